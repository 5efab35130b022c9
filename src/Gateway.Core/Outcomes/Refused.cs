using System.Text.Json.Nodes;

namespace AccessTokenGateway.Outcomes;

/// <summary>
/// Refused by the gateway for good: retrying the same request will not help. <see cref="Details"/> is the error
/// document's <c>details</c> (<c>field</c>, the rule's <c>code</c>, a <c>message</c>), never anything secret.
/// </summary>
public sealed record Refused(RefusalKind Kind, string ErrorCode, JsonObject Details) : Outcome
{
    public override string Name => "rejected";
    public override string Code => ErrorCode;

    /// <summary>The member the refusal names, if any.</summary>
    public string? FieldName => Details["field"]?.GetValue<string>();

    /// <summary>A refusal that names the member at fault and the rule it broke.</summary>
    public static Refused Field(RefusalKind kind, string code, string field, string rule, string? message = null)
    {
        var details = new JsonObject { ["field"] = field, ["code"] = rule };
        if (message is not null) details["message"] = message;
        return new Refused(kind, code, details);
    }

    /// <summary>A refusal explained by a message alone.</summary>
    public static Refused Because(RefusalKind kind, string code, string message) =>
        new(kind, code, new JsonObject { ["message"] = message });
}
