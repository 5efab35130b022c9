namespace AccessTokenGateway.Validation;

/// <summary>What a DatoCMS id looks like.</summary>
public static class Ids
{
    /// <summary>Short, and made only of URL-safe characters: safe to repeat in a log line or an audit record.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= ValidationLimits.MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The one spelling of a token or role id: ASCII decimal digits, no sign, no space, no leading zero, at most 18 digits.
    /// DatoCMS ids are integers, and DatoCMS may resolve other spellings (<c>0312</c>, <c>+312</c>) to the same record;
    /// policy lists and locks compare ids as text, so only one spelling may ever reach them.
    /// </summary>
    public static bool IsCanonical(string? id) =>
        id is { Length: > 0 and <= 18 } && id[0] is >= '1' and <= '9' && id.All(char.IsAsciiDigit);
}
