using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>What the validation tests assert on: a refusal, and the error document the HTTP function answers it with.</summary>
internal static class Refusals
{
    public const string AuditId = "019ac6a8e41b7c3f9a1d2e0b5c8f7a61";

    /// <summary>
    /// The validator's refusal. A refusal and a document never come together: the pipeline stops at the refusal, so
    /// nothing after validation (policy, the CMA token, DatoCMS, the audit intent) is reached.
    /// </summary>
    public static Refused Of(Step<ChangeDocument> validated)
    {
        Assert.Null(validated.Value);
        return Assert.IsType<Refused>(validated.Stop);
    }

    /// <summary>The refusal when HTTP admission already refused the request: the pipeline records it and does nothing else.</summary>
    public static Refused NotAdmitted(ChangeRequest admitted) => Assert.IsType<Refused>(admitted.NotAdmitted);

    /// <summary>
    /// The error object of the document the HTTP function answers <paramref name="refused"/> with, in DatoCMS's shape.
    /// A refusal may say why in <c>details.message</c> (the field and rule can say enough alone), but never with nothing.
    /// </summary>
    public static JsonNode ErrorOf(Refused refused)
    {
        var document = JsonNode.Parse(new OutcomeHttp(new ChangeResult(AuditId, "correlation", refused, OutcomeRecorded: true)).Body())!;
        var error = document["data"]![0]!;
        Assert.Equal("api_error", (string?)error["type"]);
        Assert.Equal(AuditId, (string?)error["id"]);
        Assert.NotEqual("", (string?)error["attributes"]!["details"]!["message"]);
        return error;
    }
}
