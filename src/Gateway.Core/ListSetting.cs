using Microsoft.Extensions.Configuration;

namespace AccessTokenGateway;

/// <summary>
/// A list setting given as one comma-separated value (<c>Policy__ProtectedTokenIds=101,555</c>), as a deployment
/// template sets it; the indexed form (<c>Policy__ProtectedTokenIds__0=101</c>) is bound as usual and both add up.
/// </summary>
internal static class ListSetting
{
    public static void AddFrom(IConfiguration configuration, string key, List<string> list)
    {
        if (configuration[key] is not { } value) return;
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!list.Contains(item, StringComparer.Ordinal)) list.Add(item);
        }
    }

    /// <summary>
    /// A map given as one value of comma-separated <c>key=TimeSpan</c> pairs (<c>Policy__MaxGrantDurationByRole=35=1.00:00:00</c>),
    /// beside the indexed form (<c>Policy__MaxGrantDurationByRole__35=1.00:00:00</c>). A pair that is not one stops the app.
    /// </summary>
    public static void AddPairsFrom(IConfiguration configuration, string key, Dictionary<string, TimeSpan> map)
    {
        if (configuration[key] is not { } value) return;
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=');
            if (equals <= 0 || !TimeSpan.TryParse(item[(equals + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var duration))
                throw new Microsoft.Extensions.Options.OptionsValidationException(key, typeof(Dictionary<string, TimeSpan>),
                    [$"{key} takes comma-separated <role id>=<TimeSpan> pairs, e.g. 35=1.00:00:00; '{item}' is not one."]);
            map[item[..equals]] = duration;
        }
    }
}
