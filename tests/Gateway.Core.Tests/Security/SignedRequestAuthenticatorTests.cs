using System.Collections.Concurrent;
using System.Text;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Security;

/// <summary>The signature check on its own, on a clock the test controls: tolerances to the second, rotation, fail-closed.</summary>
public sealed class SignedRequestAuthenticatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"data":{"type":"access_token","id":"312"}}""");

    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryReplayStore _replays = new();

    private SignedRequestAuthenticator Authenticator(string vaultValue = Signing.Secret, IReplayStore? replays = null, ISecretSource? secret = null) =>
        new(secret ?? new StaticSecret(vaultValue), replays ?? _replays, Options.Create(new SignaturesOptions { Enabled = true }), _time,
            NullLogger<SignedRequestAuthenticator>.Instance);

    private static Signed Submission(string? signature, byte[]? body = null, CallerIdentity? caller = null) =>
        new(signature, body ?? Body, caller ?? new CallerIdentity(CallerKinds.FunctionKey, "default"));

    [Fact]
    public async Task Valid_signature_makes_the_caller_the_signer()
    {
        var (caller, error) = await AuthenticateAsync(Authenticator(), Submission(Signing.Header(Body, Now.ToUnixTimeSeconds())));

        Assert.Null(error);
        Assert.Equal(new CallerIdentity("signer", "webhook"), caller);
    }

    [Theory]
    [InlineData(-300, null)]
    [InlineData(300, null)]
    [InlineData(0, null)]
    [InlineData(-301, "SIGNATURE_FROM_THE_FUTURE")]
    [InlineData(301, "SIGNATURE_EXPIRED")]
    [InlineData(-86_400, "SIGNATURE_FROM_THE_FUTURE")]
    [InlineData(86_400, "SIGNATURE_EXPIRED")]
    public async Task Timestamp_may_differ_from_the_clock_by_the_tolerance_either_way_and_no_more(int ageSeconds, string? code)
    {
        var signature = Signing.Header(Body, Now.ToUnixTimeSeconds() - ageSeconds);

        var (_, error) = await AuthenticateAsync(Authenticator(), Submission(signature));

        Assert.Equal(code, error?.Code);
        if (code is not null) Assert.Equal(401, error!.Status);
    }

    [Fact]
    public async Task Time_moving_on_expires_a_signature_that_was_fresh()
    {
        var authenticator = Authenticator();
        var signature = Signing.Header(Body, Now.ToUnixTimeSeconds());
        _time.Advance(TimeSpan.FromSeconds(301));

        var (_, error) = await AuthenticateAsync(authenticator, Submission(signature));

        Assert.Equal(SignatureErrorCodes.Expired, error?.Code);
        Assert.Empty(_replays.Keys);
    }

    [Fact]
    public async Task Second_use_of_a_signature_is_a_replay_even_with_the_signatures_listed_differently()
    {
        var authenticator = Authenticator(Signing.Secret + "\n" + Signing.PreviousSecret);
        var t = Now.ToUnixTimeSeconds().ToString();
        var current = Signing.V1(Signing.Secret, t, Body);
        var previous = Signing.V1(Signing.PreviousSecret, t, Body);

        var first = await AuthenticateAsync(authenticator, Submission($"t={t},v1={current},v1={previous}"));
        var again = await AuthenticateAsync(authenticator, Submission($"t={t},v1={previous}"));

        Assert.Null(first.Error);
        Assert.Equal(SignatureErrorCodes.Replayed, again.Error?.Code);
    }

    [Fact]
    public async Task Same_body_signed_at_another_second_is_not_a_replay()
    {
        var authenticator = Authenticator();

        var first = await AuthenticateAsync(authenticator, Submission(Signing.Header(Body, Now.ToUnixTimeSeconds())));
        var second = await AuthenticateAsync(authenticator, Submission(Signing.Header(Body, Now.ToUnixTimeSeconds() - 1)));

        Assert.Null(first.Error);
        Assert.Null(second.Error);
    }

    [Fact]
    public async Task During_rotation_the_previous_secret_in_the_vault_is_accepted_and_the_audit_says_so()
    {
        var authenticator = Authenticator(Signing.Secret + "\n" + Signing.PreviousSecret);

        var (caller, error) = await AuthenticateAsync(authenticator, Submission(Signing.Header(Body, Now.ToUnixTimeSeconds(), Signing.PreviousSecret)));

        Assert.Null(error);
        Assert.Equal(new CallerIdentity("signer", "webhook:previous"), caller);
    }

    [Fact]
    public async Task During_rotation_a_sender_may_sign_with_old_and_new_secret()
    {
        var t = Now.ToUnixTimeSeconds().ToString();
        var header = $"t={t},v1={Signing.V1("an-old-secret-the-gateway-no-longer-has-00", t, Body)},v1={Signing.V1(Signing.Secret, t, Body)}";

        var (caller, error) = await AuthenticateAsync(Authenticator(), Submission(header));

        Assert.Null(error);
        Assert.Equal("webhook", caller?.Id);
    }

    [Fact]
    public async Task A_removed_previous_secret_no_longer_signs()
    {
        var (_, error) = await AuthenticateAsync(Authenticator(Signing.Secret), Submission(Signing.Header(Body, Now.ToUnixTimeSeconds(), Signing.PreviousSecret)));

        Assert.Equal(SignatureErrorCodes.Invalid, error?.Code);
    }

    [Theory]
    [InlineData("body")]
    [InlineData("timestamp")]
    [InlineData("secret")]
    public async Task Anything_changed_after_signing_makes_the_signature_invalid(string what)
    {
        var t = Now.ToUnixTimeSeconds();
        var header = what switch
        {
            "timestamp" => Signing.Header(Body, t).Replace($"t={t}", $"t={t - 1}"),
            "secret" => Signing.Header(Body, t, "a-different-secret-of-sufficient-length-000"),
            _ => Signing.Header(Body, t),
        };
        var body = what == "body" ? Encoding.UTF8.GetBytes("""{"data":{"type":"access_token","id":"313"}}""") : Body;

        var (_, error) = await AuthenticateAsync(Authenticator(), Submission(header, body));

        Assert.Equal(SignatureErrorCodes.Invalid, error?.Code);
        Assert.Empty(_replays.Keys);
    }

    [Fact]
    public async Task A_forged_stale_signature_is_invalid_not_expired()
    {
        // Freshness is judged only for authentic requests: a forger learns nothing about the clock or the tolerance.
        var header = Signing.Header(Body, Now.ToUnixTimeSeconds() - 86_400, "not-the-signing-secret-but-long-enough-00");

        var (_, error) = await AuthenticateAsync(Authenticator(), Submission(header));

        Assert.Equal(SignatureErrorCodes.Invalid, error?.Code);
    }

    [Theory]
    [InlineData(null, "SIGNATURE_MISSING")]
    [InlineData("", "SIGNATURE_MISSING")]
    [InlineData("sha256=abc", "SIGNATURE_MALFORMED")]
    [InlineData("t=now,v1=abc", "SIGNATURE_MALFORMED")]
    public async Task Missing_and_malformed_signatures_are_refused_with_their_own_codes(string? header, string code)
    {
        var (caller, error) = await AuthenticateAsync(Authenticator(), Submission(header));

        Assert.Null(caller);
        Assert.Equal(401, error?.Status);
        Assert.Equal(code, error?.Code);
    }

    [Fact]
    public async Task An_Easy_Auth_principal_stays_the_recorded_caller()
    {
        var principal = new CallerIdentity("principal", "aad:alice@example.com");

        var (caller, error) = await AuthenticateAsync(Authenticator(), Submission(Signing.Header(Body, Now.ToUnixTimeSeconds()), caller: principal));

        Assert.Null(error);
        Assert.Equal(principal, caller);
    }

    [Fact]
    public async Task Unreachable_replay_store_fails_closed_with_a_transient_503()
    {
        var (_, error) = await AuthenticateAsync(Authenticator(replays: new UnreachableReplayStore()), Submission(Signing.Header(Body, Now.ToUnixTimeSeconds())));

        Assert.Equal(503, error?.Status);
        Assert.Equal(ErrorCodes.ReplayStoreUnavailable, error?.Code);
        Assert.True(error!.Transient);
    }

    [Fact]
    public async Task Unreadable_signing_secret_fails_closed_with_a_transient_503()
    {
        var (_, error) = await AuthenticateAsync(Authenticator(secret: new UnreadableSecret()), Submission(Signing.Header(Body, Now.ToUnixTimeSeconds())));

        Assert.Equal(503, error?.Status);
        Assert.Equal(ErrorCodes.SecretUnavailable, error?.Code);
        Assert.True(error!.Transient);
    }

    [Fact]
    public async Task A_signing_secret_too_short_to_be_safe_is_not_used()
    {
        var (_, error) = await AuthenticateAsync(Authenticator("short"), Submission(Signing.Header(Body, Now.ToUnixTimeSeconds(), "short")));

        Assert.Equal(503, error?.Status);
        Assert.DoesNotContain("short", error!.Details!.ToJsonString());
    }

    [Fact]
    public async Task The_replay_record_expires_when_the_signature_would_have_expired()
    {
        var t = Now.ToUnixTimeSeconds() - 100;

        await AuthenticateAsync(Authenticator(), Submission(Signing.Header(Body, t)));

        var expiry = Assert.Single(_replays.Keys).Value;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(t) + TimeSpan.FromMinutes(5), expiry);
    }

    private sealed class InMemoryReplayStore : IReplayStore
    {
        public ConcurrentDictionary<string, DateTimeOffset> Keys { get; } = new();

        public Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            Task.FromResult(Keys.TryAdd(key, expiresAt));
    }

    private sealed class UnreachableReplayStore : IReplayStore
    {
        public Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            throw new DependencyUnavailableException(Dependency.ReplayStore, "unreachable");
    }

    private sealed class UnreadableSecret : ISecretSource
    {
        public ValueTask<string> GetAsync(CancellationToken cancellationToken) => throw new DependencyUnavailableException(Dependency.KeyVault, "vault down");
        public ValueTask<string> RefreshAsync(string rejectedValue, CancellationToken cancellationToken) => throw new DependencyUnavailableException(Dependency.KeyVault, "vault down");
    }

    /// <summary>What HTTP admission hands the authenticator: the signature header, the raw body, the caller so far.</summary>
    private sealed record Signed(string? Signature, byte[] Body, CallerIdentity Caller);

    /// <summary>An outcome that refuses, as the error document shows it: status, code, details, transient.</summary>
    private sealed record Refusal(int Status, string Code, System.Text.Json.Nodes.JsonObject? Details, bool Transient);

    private static async Task<(CallerIdentity? Caller, Refusal? Error)> AuthenticateAsync(SignedRequestAuthenticator authenticator, Signed signed)
    {
        var step = await authenticator.AuthenticateAsync(signed.Signature, SignedRequest.BodyOnly(signed.Body), signed.Caller, default);
        return step.Stop is { } stop
            ? (null, new Refusal(ErrorStatus.Of(stop), stop.Code!, (stop as Refused)?.Details ?? new System.Text.Json.Nodes.JsonObject { ["message"] = ((Unavailable)stop).Message }, stop.IsTransient))
            : (step.Value, null);
    }
}
