using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// Signed requests for webhook senders (<c>Signatures:*</c>). Off by default; when on, every HTTP submission must
/// carry a valid, fresh, never-seen <c>X-Signature</c>. Queue messages are not signed: the queue's own access
/// control (Storage RBAC) decides who may write to it.
/// </summary>
public sealed class SignaturesOptions
{
    public const string SectionName = "Signatures";

    public bool Enabled { get; set; }

    /// <summary>The Key Vault secret holding the signing secret (one line), or the current and the previous one (two lines).</summary>
    [Required]
    [RegularExpression("^[0-9A-Za-z-]{1,127}$")]
    public string SecretName { get; set; } = "webhook-signing-secret";

    /// <summary>How far <c>t</c> may be from the gateway's clock, either way; also how long a seen signature is remembered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The table of seen signatures, shared by every instance (Azure Table Storage on <c>AzureWebJobsStorage</c>).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string ReplayTableName { get; set; } = "replayedsignatures";

    /// <summary>Development only: a signing secret that stands in for the vault, like <c>KeyVault:DevelopmentCmaToken</c>.</summary>
    public string? DevelopmentSecret { get; set; }

    /// <summary>
    /// Named senders, each with a signing secret of its own: the vault secret <c>&lt;SecretName&gt;-&lt;id&gt;</c> (one or two
    /// lines, as the shared one). A request names its sender with <c>k=&lt;id&gt;</c> in <c>X-Signature</c> and is recorded as
    /// <c>signer:&lt;id&gt;</c>, so each sender can be told apart in the audit trail and trusted on its own
    /// (<c>Approvals:TrustedCallers</c>). As one app setting, a comma-separated list.
    /// </summary>
    public List<string> Senders { get; set; } = [];

    /// <summary>Development only: stand-ins for the named senders' vault secrets, by sender id.</summary>
    public Dictionary<string, string> DevelopmentSenderSecrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>What a sender id looks like: short, lower case, so that <c>signer:&lt;id&gt;</c> is unambiguous.</summary>
    public static bool IsSenderId(string id) =>
        id is { Length: > 0 and <= 32 } && id != SignedRequestAuthenticator.CurrentSecretSigner && (char.IsAsciiLetterLower(id[0]) || char.IsAsciiDigit(id[0]))
        && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
