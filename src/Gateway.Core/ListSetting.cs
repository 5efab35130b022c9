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
}
