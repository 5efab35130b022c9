using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Validation;
using CsCheck;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>
/// Generated and mutated change requests (<see cref="ChangeRequestGen"/>), judged against <see cref="ReferenceValidator"/>:
/// in process, the validator's verdict must be the reference's. The same requests go over real HTTP in the integration
/// tests' <c>ChangeRequestHttpPropertyTests</c>.
/// </summary>
public sealed class ChangeRequestPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    /// <summary>A fixed seed: the same 3,000 requests every run, so a failure reproduces and a pass means the same thing each time.</summary>
    private const string Seed1 = "6QX9HTgDtHT3";

    [Fact]
    public void Validator_verdict_equals_the_reference_check()
    {
        ChangeRequestGen.For(Now, overHttp: false).Sample(request =>
        {
            var expected = ReferenceValidator.Document(request.Body, request.RouteId, Now);

            var actual = ChangeDocumentValidator.Validate(request.Body, request.RouteId, ChangeHeaders.None, Now);

            int? status = actual.Stop is { } stop ? ErrorStatus.Of(stop) : null;
            Assert.True(expected == status, $"reference {expected?.ToString() ?? "accepts"}, validator {status?.ToString() ?? "accepts"} ({actual.Stop?.Code} {(actual.Stop as Refused)?.Details.ToJsonString()})");
            Assert.Equal(actual.Stop is null, actual.Value is not null);
        }, seed: Seed1, iter: 3_000, print: r => r.ToString());
    }

    [Fact]
    public void Unmutated_documents_are_all_accepted()
    {
        // Guards the property above against passing vacuously: the generator's plain documents are valid ones.
        ChangeRequestGen.For(Now, overHttp: false).Where(r => r.Steps.Count == 0 && r.RouteId == Seed.EditableTokenId).Sample(request =>
        {
            Assert.Null(ChangeDocumentValidator.Validate(request.Body, request.RouteId, ChangeHeaders.None, Now).Stop);
        }, seed: Seed1, iter: 200, print: r => r.ToString());
    }

    [Fact]
    public void Generated_requests_cover_acceptance_and_every_kind_of_refusal()
    {
        var verdicts = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        ChangeRequestGen.For(Now, overHttp: true).Sample(request =>
        {
            verdicts.AddOrUpdate(ReferenceValidator.Http(request.Body, request.RouteId, request.ContentType, Now) ?? 200, 1, (_, n) => n + 1);
        }, seed: Seed1, iter: 3_000);

        Assert.All(new[] { 200, 400, 413, 415, 422 }, status => Assert.True(verdicts.GetValueOrDefault(status) >= 20, $"{status}: {verdicts.GetValueOrDefault(status)} of 3000"));
    }
}
