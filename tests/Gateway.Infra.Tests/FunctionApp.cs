using System.Text.Json;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>The gateway's Function App in the compiled template.</summary>
internal static class FunctionApp
{
    public static ArmTemplate.Resource Site => ArmTemplate.Main.Single("Microsoft.Web/sites");

    /// <summary><c>siteConfig.appSettings</c> by name; values unresolved.</summary>
    public static IReadOnlyDictionary<string, JsonElement> AppSettings()
    {
        var settings = Site.Properties.GetProperty("siteConfig").GetProperty("appSettings");
        Assert.Equal(JsonValueKind.Array, settings.ValueKind); // a literal list, so every name is checkable
        return settings.EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => s.GetProperty("value"),
            StringComparer.Ordinal);
    }

    /// <summary>The literal value of an app setting, following module parameters back to main.bicep.</summary>
    public static string? LiteralSetting(string name) =>
        Site.Resolve(AppSettings()[name]) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
