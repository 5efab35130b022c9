using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>Grant requests and readings shared by the grant tests.</summary>
internal static class GrantTestSupport
{
    public static string Rfc3339(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The token's state as the simulator holds it, in the gateway's own form (what an approver sees).</summary>
    public static TokenState StateOf(this GatewayHarness gateway, string tokenId)
    {
        var t = gateway.Simulator.State.GetToken(tokenId)!;
        return new TokenState(t.Name, t.CanAccessCda, t.CanAccessCdaPreview, t.CanAccessCma, t.RoleId);
    }

    /// <summary>An approved change to <paramref name="next"/>, expiring at <paramref name="expiresAt"/> if given, with the approver's view as <c>expected</c>.</summary>
    public static Task<HttpResponseMessage> ChangeAsync(this GatewayHarness gateway, string tokenId, Func<TokenState, TokenState> next, DateTimeOffset? expiresAt, string ticket = "CHG-7")
    {
        var current = gateway.StateOf(tokenId);
        var requested = next(current);
        var document = TokenJson.UpdateDocument(tokenId, requested);
        var meta = new JsonObject
        {
            ["requested_by"] = "alice", ["approved_by"] = "bob", ["ticket"] = ticket, ["reason"] = "Launch",
            ["expected"] = TokenJson.ToNode(current),
        };
        if (expiresAt is { } at) meta["expires_at"] = Rfc3339(at);
        document["meta"] = meta;
        return gateway.PutAsync(tokenId, document.ToJsonString());
    }

    public static Task<HttpResponseMessage> GrantPreviewAsync(this GatewayHarness gateway, string tokenId, DateTimeOffset expiresAt) =>
        gateway.ChangeAsync(tokenId, s => s with { CanAccessCdaPreview = true }, expiresAt);

    public static async Task<string> AuditIdOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["meta"]!["audit_id"]!;
    }

    public static IGrantRegistry Registry(this GatewayHarness gateway) => (IGrantRegistry)gateway.Services.GetService(typeof(IGrantRegistry))!;
    public static GrantSweeper Sweeper(this GatewayHarness gateway) => (GrantSweeper)gateway.Services.GetService(typeof(GrantSweeper))!;

    public static Task<IReadOnlyList<Grant>> GrantsAsync(this GatewayHarness gateway, string? tokenId = null) => gateway.Registry().ListAsync(tokenId, CancellationToken.None);

    /// <summary>Outcome records of reverts (source <c>schedule</c>) of <paramref name="grantId"/>.</summary>
    public static IEnumerable<JsonObject> RevertOutcomes(this IEnumerable<JsonObject> records, string grantId) =>
        records.Where(r => (string?)r["source"] == "schedule" && (string?)r["kind"] == "outcome" && (string?)r["correlation_id"] == grantId);

    public static async Task<int> VisibleAndInvisibleAsync(Azure.Storage.Queues.QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    public static string Token => Seed.EditableTokenId;
}
