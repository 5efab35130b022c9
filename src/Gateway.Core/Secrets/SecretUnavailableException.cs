namespace AccessTokenGateway.Secrets;

/// <summary>No usable secret: the vault could not be read and nothing valid was cached. Nothing may be forwarded.</summary>
public sealed class SecretUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
