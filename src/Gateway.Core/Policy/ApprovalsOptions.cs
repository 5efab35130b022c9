namespace AccessTokenGateway.Policy;

/// <summary>
/// Who may assert an approval (<c>Approvals:*</c>). An escalation names its approver in <c>approved_by</c>, but the name
/// is only a claim of the request: it counts only when the request comes from a caller listed here, as the gateway
/// authenticated it. Empty (the default): no caller may, and every escalation is refused.
/// </summary>
public sealed class ApprovalsOptions
{
    public const string SectionName = "Approvals";

    /// <summary>
    /// Callers trusted to assert approvals, each <c>&lt;kind&gt;:&lt;id&gt;</c> as the audit record's <c>caller</c> names them:
    /// <c>principal:&lt;idp&gt;:&lt;name or object id&gt;</c> (Easy Auth, with <c>Authentication:TrustAppServicePrincipal</c>),
    /// <c>signer:webhook</c> (a valid signature under the current signing secret; <c>signer:webhook:previous</c> for the
    /// previous one), <c>function_key:&lt;name&gt;</c> (the local host only: in Azure the worker is not told which key
    /// was used, so a bare key call is <c>anonymous</c> and can never be trusted), <c>queue:&lt;queue&gt;</c>.
    /// As one app setting, a comma-separated list.
    /// </summary>
    public List<string> TrustedCallers { get; set; } = [];

    /// <summary>
    /// The strict form: the approver must be the authenticated caller itself — an Easy Auth principal whose name is
    /// <c>approved_by</c> — and not merely a trusted caller relaying someone's name.
    /// </summary>
    public bool RequireApproverIsCaller { get; set; }
}
