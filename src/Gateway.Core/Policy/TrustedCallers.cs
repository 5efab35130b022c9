using AccessTokenGateway.Changes;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Policy;

/// <summary>Matching an authenticated caller against <see cref="ApprovalsOptions.TrustedCallers"/> entries (<c>&lt;kind&gt;:&lt;id&gt;</c>).</summary>
public static class TrustedCallers
{
    /// <summary>The kinds an entry may name; <c>anonymous</c> is not one: a caller nobody can name is trusted by no one.</summary>
    public static readonly IReadOnlyList<string> Kinds = [CallerKinds.Principal, CallerKinds.Signer, CallerKinds.FunctionKey, CallerKinds.Queue];

    /// <summary>Entries compare exactly, kind and id; an Easy Auth principal's name compares in its one form (<see cref="PersonNames"/>).</summary>
    public static bool Contains(IEnumerable<string> entries, CallerIdentity caller)
    {
        if (caller.Id is null || !Kinds.Contains(caller.Kind)) return false;
        foreach (var entry in entries)
        {
            var colon = entry.IndexOf(':');
            if (colon <= 0 || !string.Equals(entry[..colon], caller.Kind, StringComparison.Ordinal)) continue;
            var id = entry[(colon + 1)..];
            if (string.Equals(id, caller.Id, StringComparison.Ordinal)) return true;
            if (caller.Kind == CallerKinds.Principal && Principal(id) is { } expected && expected == Principal(caller.Id)) return true;
        }
        return false;
    }

    /// <summary>The person an Easy Auth principal is, in its one form; null for any other caller (a key or a secret is no one).</summary>
    public static string? PersonOf(CallerIdentity caller)
    {
        if (caller.Kind != CallerKinds.Principal || caller.Id is null) return null;
        var colon = caller.Id.IndexOf(':');
        return PersonNames.Normalise(colon < 0 ? caller.Id : caller.Id[(colon + 1)..]).Name;
    }

    /// <summary>A malformed entry, or null: entries are checked at start-up so a typo does not silently trust no one.</summary>
    public static string? Problem(string entry)
    {
        var colon = entry.IndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1) return $"'{entry}' is not <kind>:<id>";
        return Kinds.Contains(entry[..colon]) ? null : $"'{entry}' names the caller kind '{entry[..colon]}'; it must be one of {string.Join(", ", Kinds)}";
    }

    private static string? Principal(string id)
    {
        var colon = id.IndexOf(':');
        if (colon <= 0) return null;
        return PersonNames.Normalise(id[(colon + 1)..]).Name is { } name ? id[..colon].ToLowerInvariant() + ":" + name : null;
    }
}
