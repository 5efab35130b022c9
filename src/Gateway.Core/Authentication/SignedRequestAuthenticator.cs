using System.Security.Cryptography;
using System.Text;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// Checks <see cref="WebhookSignature"/>s on HTTP requests, in this order: present, well-formed, authentic (an HMAC
/// under a current signing secret, compared in constant time), fresh (within the tolerance, either way), and first
/// (recorded in the shared <see cref="IReplayStore"/>). Freshness is judged only for authentic requests, so a forger
/// learns nothing from the codes; a signature is spent once authentic and fresh, whatever becomes of the change.
/// </summary>
public sealed class SignedRequestAuthenticator(
    [FromKeyedServices(AuthenticationServiceCollectionExtensions.SigningSecret)] ISecretSource signingSecret,
    IReplayStore replays,
    IOptions<SignaturesOptions> options,
    TimeProvider time,
    ILogger<SignedRequestAuthenticator> logger,
    SenderSecrets? senders = null) : IRequestAuthenticator
{
    public const string CurrentSecretSigner = "webhook";
    public const string PreviousSecretSigner = "webhook:previous";

    private readonly long _toleranceSeconds = (long)options.Value.Tolerance.TotalSeconds;
    private volatile ReadSecret? _secrets;

    public async ValueTask<Step<CallerIdentity>> AuthenticateAsync(string? signatureHeader, SignedRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(signatureHeader))
            return Refuse(SignatureErrorCodes.Missing, $"This gateway requires signed requests: {WebhookSignature.Header}: t=<unix seconds>,v2=<hex HMAC-SHA256 of the request> (see SECURITY.md).");
        if (!WebhookSignature.TryParse(signatureHeader, out var signature))
            return Refuse(SignatureErrorCodes.Malformed, $"{WebhookSignature.Header} must be t=<unix seconds>,v2=<64 hex digits> (or v1=), with at most {WebhookSignature.MaxSignatures} values and no spaces.");

        // A named sender (k=) signs with its own secret; an unknown name is refused as a signature that does not match.
        var source = signingSecret;
        var secretName = options.Value.SecretName;
        if (signature.SenderId is { } sender)
        {
            if (senders?.Of(sender) is not { } own)
                return Refuse(SignatureErrorCodes.Invalid, "No signature is the HMAC-SHA256 of this request under the signing secret.");
            (source, secretName) = (own, senders.SecretNameOf(sender));
        }

        SigningSecrets? secrets;
        try
        {
            secrets = Read(await source.GetAsync(cancellationToken).ConfigureAwait(false), secretName);
        }
        catch (DependencyUnavailableException)
        {
            return new Unavailable(Dependency.KeyVault, "The signing secret could not be read from Key Vault; nothing was sent to DatoCMS.");
        }
        if (secrets is null)
            return new Unavailable(Dependency.KeyVault, "The signing secret in Key Vault is not usable; nothing was sent to DatoCMS.");

        // v2 covers the whole request; v1 only the body. Both are computed, so the time taken says nothing about which matched.
        var canonical = WebhookSignature.CanonicalV2(signature.TimestampText, request);
        var matchedV2 = Match(secrets, signature.V2Signatures, key => HMACSHA256.HashData(key, canonical));
        var matchedV1 = Match(secrets, signature.Signatures, key => WebhookSignature.Compute(key, signature.TimestampText, request.Body.Span));
        var matched = matchedV2 >= 0 ? matchedV2 : matchedV1;
        if (matched < 0)
            return Refuse(SignatureErrorCodes.Invalid, "No signature is the HMAC-SHA256 of this request under the signing secret (v2: the method, path, query, X-Change-* headers and body; v1: \"<t>.<body>\").");
        if (matchedV2 < 0 && request.HasMetadataOutsideBody)
            return Refuse(SignatureErrorCodes.UnsignedMetadata, "A v1 signature covers the body only, and this request carries change metadata outside it (X-Change-* headers or ?dry_run): sign it with v2, or move the metadata into meta.");

        var age = time.GetUtcNow().ToUnixTimeSeconds() - signature.UnixSeconds;
        if (age > _toleranceSeconds)
            return Refuse(SignatureErrorCodes.Expired, $"The signature's timestamp is more than {_toleranceSeconds} seconds old: sign each request when it is sent.");
        if (-age > _toleranceSeconds)
            return Refuse(SignatureErrorCodes.FromTheFuture, $"The signature's timestamp is more than {_toleranceSeconds} seconds ahead of the gateway's clock: check the sender's clock.");

        try
        {
            var expiresAt = DateTimeOffset.FromUnixTimeSeconds(signature.UnixSeconds) + options.Value.Tolerance;
            var key = matchedV2 >= 0 ? ReplayKeyV2(canonical) : ReplayKey(signature.TimestampText, request.Body.Span);
            if (!await replays.TryRecordAsync(key, expiresAt, cancellationToken).ConfigureAwait(false))
                return Refuse(SignatureErrorCodes.Replayed, "This signature was already used: sign every request, and every retry, afresh.");
        }
        catch (DependencyUnavailableException)
        {
            return new Unavailable(Dependency.ReplayStore, "Replays cannot be ruled out right now (the seen-signature store is unreachable); nothing was sent to DatoCMS.");
        }

        // An Easy Auth principal names the caller better than a signing secret does.
        if (caller.Kind == CallerKinds.Principal) return caller;
        var signer = signature.SenderId ?? CurrentSecretSigner;
        return new CallerIdentity(CallerKinds.Signer, matched == 0 ? signer : signer + ":previous");
    }

    /// <summary>
    /// The index of the secret one of the signatures was made with, or -1. Every signature is compared with every
    /// secret's HMAC, in constant time, so the time taken says nothing about which (if any) matched.
    /// </summary>
    private static int Match(SigningSecrets secrets, IReadOnlyList<byte[]> signatures, Func<byte[], byte[]> hmac)
    {
        var matched = -1;
        for (var i = 0; i < secrets.Keys.Count; i++)
        {
            var expected = hmac(secrets.Keys[i]);
            foreach (var given in signatures)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, given) && matched < 0) matched = i;
            }
        }
        return matched;
    }

    /// <summary>A v2 replay repeats the whole signed request (its canonical string begins "v2", so it never hashes as a v1 key).</summary>
    internal static string ReplayKeyV2(byte[] canonical) => Convert.ToHexStringLower(SHA256.HashData(canonical));

    /// <summary>What a replay would repeat: the signed content itself, whichever secret or secrets signed it.</summary>
    internal static string ReplayKey(string timestamp, ReadOnlySpan<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.ASCII.GetBytes(timestamp));
        sha.AppendData("."u8);
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private SigningSecrets? Read(string value, string secretName)
    {
        var cached = _secrets;
        if (cached is not null && ReferenceEquals(cached.Value, value)) return cached.Secrets;
        var secrets = SigningSecrets.TryRead(value);
        if (secrets is null)
            logger.LogError("The signing secret {SecretName} is not one or two lines of at least {MinimumBytes} bytes; signed requests are refused until it is fixed",
                secretName, SigningSecrets.MinimumBytes);
        _secrets = new ReadSecret(value, secrets);
        return secrets;
    }

    private static Refused Refuse(string code, string message) => Refused.Because(RefusalKind.Unauthenticated, code, message);

    private sealed record ReadSecret(string Value, SigningSecrets? Secrets);
}
