using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>
/// The settings the app refuses to start without, read from Gateway.Core's options classes: public types
/// named <c>*Options</c> with a <c>public const string SectionName</c>; each <c>[Required]</c> property is the
/// app setting <c>SectionName__Property</c> (App Service turns <c>__</c> into the configuration's <c>:</c>).
/// </summary>
internal static class RequiredSettings
{
    public static Assembly Core { get; } = Assembly.Load("Gateway.Core");

    public static IEnumerable<Type> OptionsClasses() =>
        Core.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && SectionName(t) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    public static IEnumerable<string> AppSettingNames() =>
        from type in OptionsClasses()
        from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.IsDefined(typeof(RequiredAttribute), inherit: true)
        select $"{SectionName(type)}__{property.Name}";

    public static string? SectionName(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
            ? field.GetRawConstantValue() as string
            : null;
}
