using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Grants;

/// <summary>What one attempt to end a token's due grants came to: how many grants it ended, and the transient failure that stopped it, if any (then try again).</summary>
public sealed record RevertRun(int Ended, Outcome? Failure)
{
    public static readonly RevertRun Nothing = new(0, null);
}
