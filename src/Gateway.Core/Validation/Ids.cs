namespace AccessTokenGateway.Validation;

/// <summary>What a DatoCMS id looks like: short, and made only of URL-safe characters.</summary>
public static class Ids
{
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= ValidationLimits.MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
