namespace AccessTokenGateway.Tokens;

/// <summary>One field that differs between two states: a string (name, role id) or a flag.</summary>
public sealed record FieldChange(string Field, object? From, object? To)
{
    /// <summary>The value as the audit record writes it: <c>true</c>/<c>false</c> for flags, the text otherwise.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };
}
