using System.Text.Json;
using System.Text.RegularExpressions;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled to ARM JSON (once per test run), with its nested module templates flattened
/// and a resolver for the pass-through expressions Bicep emits (<c>[parameters('x').y]</c>, <c>[variables('x')]</c>).
/// </summary>
internal sealed partial class ArmTemplate
{
    private static readonly Lazy<ArmTemplate> LazyMain = new(() =>
        new ArmTemplate(BicepCli.Build(Path.Combine(Repository.Root, "infra", "main.bicep"))));

    public static ArmTemplate Main => LazyMain.Value;

    private ArmTemplate(string json)
    {
        Json = json;
        Root = JsonDocument.Parse(json).RootElement;
        Resources = Walk(new Scope(Root, null, null)).ToList();
    }

    /// <summary>The compiled JSON text.</summary>
    public string Json { get; }

    public JsonElement Root { get; }

    /// <summary>Every resource of the template and of its modules, at any depth (module deployments included).</summary>
    public IReadOnlyList<Resource> Resources { get; }

    public IEnumerable<Resource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public Resource Single(string type) => Assert.Single(OfType(type));

    /// <summary>A resource in its template.</summary>
    public sealed record Resource(JsonElement Element, Scope Scope)
    {
        public string Type => Element.GetProperty("type").GetString()!;
        public string Name => Element.GetProperty("name").GetString()!;
        public bool IsExisting => Element.TryGetProperty("existing", out var e) && e.GetBoolean();
        public JsonElement Properties => Element.GetProperty("properties");

        /// <summary>A module's parameter as its caller passes it (unresolved).</summary>
        public JsonElement ModuleArgument(string name) =>
            Properties.GetProperty("parameters").GetProperty(name).GetProperty("value");

        /// <summary>The literal a value of this resource stands for, or null when only deployment can tell.</summary>
        public JsonElement? Resolve(JsonElement value) => Scope.Resolve(value);
    }

    /// <summary>
    /// A template and how it was called: a module's arguments (written in the caller's scope), or none for
    /// main.bicep itself (parameter defaults apply).
    /// </summary>
    public sealed class Scope(JsonElement template, JsonElement? arguments, Scope? caller)
    {
        public JsonElement Template { get; } = template;

        public JsonElement? Resolve(JsonElement value) => ResolveWithScope(value)?.Value;

        // A resolved value comes with the scope its own expressions belong to: an argument's is the caller's.
        private (JsonElement Value, Scope Scope)? ResolveWithScope(JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.String) return (value, this);
            var text = value.GetString()!;
            if (!text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal)) return (value, this);
            var match = Reference().Match(text);
            if (!match.Success) return null;
            var name = match.Groups["name"].Value;
            var resolved = match.Groups["kind"].Value == "variables"
                ? ResolveWithScope(Template.GetProperty("variables").GetProperty(name))
                : ResolveParameter(name);
            foreach (var member in match.Groups["path"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (resolved is not ({ ValueKind: JsonValueKind.Object } obj, var scope) || !obj.TryGetProperty(member, out var next))
                    return null;
                resolved = scope.ResolveWithScope(next);
            }
            return resolved;
        }

        private (JsonElement Value, Scope Scope)? ResolveParameter(string name)
        {
            if (arguments is { } args && args.TryGetProperty(name, out var argument))
                return caller!.ResolveWithScope(argument.GetProperty("value"));
            return Template.GetProperty("parameters").GetProperty(name).TryGetProperty("defaultValue", out var defaultValue)
                ? ResolveWithScope(defaultValue)
                : null;
        }
    }

    [GeneratedRegex(@"^\[(?<kind>parameters|variables)\('(?<name>[A-Za-z0-9_]+)'\)(?<path>(\.[A-Za-z0-9_]+)*)\]$")]
    private static partial Regex Reference();

    private static IEnumerable<Resource> Walk(Scope scope)
    {
        var resources = scope.Template.GetProperty("resources");
        // languageVersion 2.0 keys resources by symbolic name; 1.0 lists them.
        var elements = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
        foreach (var element in elements)
        {
            var resource = new Resource(element, scope);
            yield return resource;
            if (resource.Type == "Microsoft.Resources/deployments")
            {
                var properties = resource.Properties;
                var nested = new Scope(
                    properties.GetProperty("template"),
                    properties.TryGetProperty("parameters", out var args) ? args : null,
                    scope);
                foreach (var inner in Walk(nested)) yield return inner;
            }
        }
    }
}
