using System.Globalization;

namespace AccessTokenGateway.Validation;

internal static class DateParsing
{
    public static bool TryParseInstant(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out value)
        && (text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9);
}
