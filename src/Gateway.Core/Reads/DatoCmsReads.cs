using System.Diagnostics;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Reads;

/// <summary>
/// The read routes (<c>GET access_tokens</c>, <c>access_tokens/{id}</c>, <c>roles</c>, <c>roles/{id}</c>): the id checked
/// before anything goes upstream, then DatoCMS's own document through the same client as changes (paced, resilient),
/// the CMA token from the vault and read again once on 401 (<see cref="DatoCmsSession"/>), every <c>token</c> null.
/// A read changes nothing, so it is logged, one line, and not audited.
/// </summary>
public sealed class DatoCmsReads(
    IDatoCmsClient datoCms,
    [FromKeyedServices(SecretsServiceCollectionExtensions.CmaToken)] ISecretSource cmaToken,
    ILogger<DatoCmsReads> logger)
{
    public async Task<Step<JsonObject>> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (result, reply) = await DecideAsync(request, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "Read {Collection} {Id} (correlation {CorrelationId}): {Outcome} {ErrorCode} (status {UpstreamStatus}, request id {UpstreamRequestId}, {UpstreamAttempts} upstream attempts, {DurationMs} ms)",
            request.Collection, request.Id is null ? "(list)" : Ids.IsValid(request.Id) ? request.Id : "(invalid)", request.CorrelationId,
            result.Stop is null ? "read" : result.Stop.Name, result.Stop?.Code, reply?.Status, reply?.RequestId, reply?.Attempts ?? 0,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private async Task<(Step<JsonObject> Result, DatoCmsReply? Reply)> DecideAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        if (request.Collection is not (ReadCollections.AccessTokens or ReadCollections.Roles))
            throw new ArgumentOutOfRangeException(nameof(request), request.Collection, "Not a collection the gateway reads.");
        if (request.Id is { } id && !Ids.IsCanonical(id))
            return (Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "id", "VALIDATION_FORMAT",
                "The id must be a DatoCMS id in its one spelling: decimal digits without sign, space or leading zero."), null);

        DatoCmsReply reply;
        try
        {
            var session = await DatoCmsSession.OpenAsync(datoCms, cmaToken, cancellationToken).ConfigureAwait(false);
            var path = request.Id is null ? request.Collection : request.Collection + "/" + request.Id;
            reply = await session.ReadDocumentAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException unavailable)
        {
            return (Unavailable.Of(unavailable), null);
        }
        return reply.Kind == DatoCmsReplyKind.Ok
            ? (reply.Document!, reply)
            : (new Step<JsonObject>(null, UpstreamOutcomes.Of(reply, wasWrite: false)), reply);
    }
}
