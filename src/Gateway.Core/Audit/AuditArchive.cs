using System.Security.Cryptography;

namespace AccessTokenGateway.Audit;

/// <summary>
/// The audit archive's layout, shared by its writer, its reader and the verifier (<c>tools/audit/verify.mjs</c>):
/// container <see cref="ContainerName"/> (immutable by its time-based retention policy, see infra/), one append blob
/// per chain, <c>{yyyy-MM-dd}/{writer}-{segment}.jsonl</c>, one JSON record per line. A chain has one writer (one
/// process), so writers never contend; each line carries its chain, its seq and the hash of the line before it.
/// </summary>
public static class AuditArchive
{
    public const string ContainerName = "audit-archive";
    public const string Extension = ".jsonl";

    /// <summary>The <c>prev_hash</c> of a chain's first record.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SHA-256, lower-case hex, of a line's bytes as stored (without its newline).</summary>
    public static string Hash(ReadOnlySpan<byte> line) => Convert.ToHexStringLower(SHA256.HashData(line));

    /// <summary>The blob prefix of one UTC day's chains.</summary>
    public static string DayPrefix(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "/";

    /// <summary>
    /// A writer id for this process: the instance (App Service's <c>WEBSITE_INSTANCE_ID</c>, else the machine name)
    /// and a random suffix, so a restarted or second host in the same instance starts chains of its own.
    /// </summary>
    public static string NewWriterId()
    {
        var instance = Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is { Length: > 0 } id ? id : Environment.MachineName;
        var safe = new string(instance.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(16).ToArray());
        return (safe.Length == 0 ? "host" : safe) + "-" + RandomNumberGenerator.GetHexString(8, lowercase: true);
    }
}
