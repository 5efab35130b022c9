using System.Text;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// The signing secrets in force, read from one Key Vault secret: its first line is the current secret, an optional
/// second line the previous one (accepted until the operator removes it, so a sender can switch at its own pace).
/// Each line is used as its UTF-8 bytes, without the line break; blank lines are skipped.
/// </summary>
public sealed class SigningSecrets
{
    /// <summary>HMAC-SHA256 keys shorter than this are guessable in practice; such a secret is refused, not used.</summary>
    public const int MinimumBytes = 32;
    public const int MaxSecrets = 2;

    private SigningSecrets(IReadOnlyList<byte[]> keys) => Keys = keys;

    /// <summary>The current secret first, then the previous one if any.</summary>
    public IReadOnlyList<byte[]> Keys { get; }

    /// <summary>Null when the value is not one or two secrets of at least <see cref="MinimumBytes"/> bytes.</summary>
    public static SigningSecrets? TryRead(string? value)
    {
        if (value is null) return null;
        var lines = value.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count is 0 or > MaxSecrets) return null;
        var keys = lines.Select(Encoding.UTF8.GetBytes).ToList();
        return keys.All(k => k.Length >= MinimumBytes) ? new SigningSecrets(keys) : null;
    }
}
