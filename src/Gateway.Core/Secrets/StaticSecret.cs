namespace AccessTokenGateway.Secrets;

/// <summary>A secret given in configuration. Only ever registered in Development, to stand in for the vault.</summary>
public sealed class StaticSecret(string value) : ISecretSource
{
    public ValueTask<string> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(value);
    public ValueTask<string> RefreshAsync(string rejectedValue, CancellationToken cancellationToken) => ValueTask.FromResult(value);
}
