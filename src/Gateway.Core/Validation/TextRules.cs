using System.Text.Json;

namespace AccessTokenGateway.Validation;

internal static class TextRules
{
    /// <summary>Every string and member name unescapes to Unicode text (JsonElement throws on an unpaired surrogate).</summary>
    public static bool AllStringsDecode(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(AllStringsDecode);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(member => member.Name is not null && AllStringsDecode(member.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static bool HasControlCharacters(string value)
    {
        foreach (var c in value)
        {
            // Line separators and bidirectional overrides can make text read differently from what it is ("Trojan Source").
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')) return true;
        }
        return false;
    }
}
