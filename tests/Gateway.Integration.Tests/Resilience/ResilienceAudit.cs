using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>Small helpers the fault-matrix tests share: a real change to send, and the audit records of one request.</summary>
internal static class ResilienceAudit
{
    /// <summary>A rename of <paramref name="tokenId"/> that keeps its flags and role: a real change the queue path may make too.</summary>
    public static string Rename(SimulatorServer simulator, string tokenId, string name)
    {
        var current = simulator.State.GetToken(tokenId)!;
        return Documents.Update(tokenId, name, current.CanAccessCda, current.CanAccessCdaPreview, current.CanAccessCma, current.RoleId)
            .WithMeta(new JsonObject { ["requested_by"] = "resilience-tests", ["reason"] = "fault matrix" })
            .ToJsonString();
    }

    /// <summary>The outcome record of the HTTP request that answered <paramref name="response"/> (waits for it, bounded).</summary>
    public static async Task<JsonObject> OutcomeAsync(this GatewayHarness gateway, HttpResponseMessage response)
    {
        var auditId = response.Headers.GetValues("X-Audit-Id").Single();
        var records = await gateway.WaitForAuditAsync(r => r.Any(x => Is(x, auditId, "outcome")));
        return records.Single(x => Is(x, auditId, "outcome"));
    }

    public static bool HasIntent(this IReadOnlyList<JsonObject> records, string auditId) => records.Any(x => Is(x, auditId, "intent"));

    public static string? Outcome(this JsonObject record) => (string?)record["outcome"];
    public static string? ErrorCode(this JsonObject record) => (string?)record["error"]?["code"];
    public static int UpstreamAttempts(this JsonObject record) => (int?)record["upstream_attempts"] ?? 0;

    public static string? ErrorCodeOf(string body) => (string?)JsonNode.Parse(body)?["data"]?[0]?["attributes"]?["code"];

    public static int Count(this SimulatorServer simulator, string method, int? status = null) =>
        simulator.State.Requests.Count(r => r.Method == method && (status is null || r.Status == status));

    public static async Task<(HttpStatusCode Status, string Body)> ReadAsync(this HttpResponseMessage response) =>
        (response.StatusCode, await response.Content.ReadAsStringAsync());

    private static bool Is(JsonObject record, string auditId, string kind) =>
        (string?)record["audit_id"] == auditId && (string?)record["kind"] == kind;
}
