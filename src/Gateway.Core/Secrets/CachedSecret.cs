using System.Diagnostics;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace AccessTokenGateway.Secrets;

/// <summary>
/// One Key Vault secret read through <see cref="SecretClient"/>, kept for <c>cacheDuration</c>. Reads are
/// single-flight. While the vault is unreachable or throttling, a value read within the cache period keeps serving;
/// with none, <see cref="DependencyUnavailableException"/> says nothing may be forwarded.
/// </summary>
public sealed class CachedSecret(SecretClient client, string secretName, TimeSpan cacheDuration, TimeProvider time) : ISecretSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Entry? _entry;
    private long _vaultReads;

    /// <summary>How many times the vault has been asked (for tests and the benchmark).</summary>
    public long VaultReads => Interlocked.Read(ref _vaultReads);

    public ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var entry = _entry;
        return entry is not null && time.GetUtcNow() < entry.ExpiresAt
            ? ValueTask.FromResult(entry.Value)
            : new ValueTask<string>(ReadAsync(stale: null, cancellationToken));
    }

    public ValueTask<string> RefreshAsync(string rejectedValue, CancellationToken cancellationToken) =>
        new(ReadAsync(rejectedValue, cancellationToken));

    private async Task<string> ReadAsync(string? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = _entry;
            var now = time.GetUtcNow();
            // Another caller read the vault while this one waited: its value serves, unless it is the one just refused.
            if (entry is not null && now < entry.ExpiresAt && entry.Value != stale) return entry.Value;

            Interlocked.Increment(ref _vaultReads);
            // A span and a count per vault read: the name of the secret is not secret, its value never appears.
            using var span = GatewayActivity.Source.StartActivity("Key Vault get secret", ActivityKind.Client);
            span?.SetTag("gateway.secret_name", secretName);
            span?.SetTag("gateway.refresh", stale is not null);
            try
            {
                KeyVaultSecret secret = await client.GetSecretAsync(secretName, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (string.IsNullOrEmpty(secret.Value))
                    throw new DependencyUnavailableException(Dependency.KeyVault, $"The Key Vault secret '{secretName}' is empty.");
                _entry = new Entry(secret.Value, now + cacheDuration);
                GatewayMetrics.KeyVaultReads.Add(1, new KeyValuePair<string, object?>("result", "ok"));
                return secret.Value;
            }
            catch (DependencyUnavailableException)
            {
                GatewayMetrics.KeyVaultReads.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                span?.SetStatus(ActivityStatusCode.Error, "empty");
                throw;
            }
            catch (Exception ex) when (ex is RequestFailedException or Azure.Identity.AuthenticationFailedException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                GatewayMetrics.KeyVaultReads.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                span?.SetStatus(ActivityStatusCode.Error, Describe(ex));
                // The vault is down or throttling: a value still within its cache period keeps serving, unless it is the one just refused.
                if (entry is not null && now < entry.ExpiresAt && entry.Value != stale) return entry.Value;
                throw new DependencyUnavailableException(Dependency.KeyVault, $"The Key Vault secret '{secretName}' could not be read ({Describe(ex)}).", ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Says why a read failed without repeating the service's message, which could quote request details.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        RequestFailedException r => $"status {r.Status}, {r.ErrorCode ?? "no error code"}",
        _ => ex.GetType().Name,
    };

    private sealed record Entry(string Value, DateTimeOffset ExpiresAt);
}
