namespace AccessTokenGateway.Grants;

/// <summary>What one sweep found: grants due, grants it ended, tokens whose revert failed and stays owed.</summary>
public sealed record SweepResult(int Due, int Ended, int Failed);
