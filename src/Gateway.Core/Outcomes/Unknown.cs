namespace AccessTokenGateway.Outcomes;

/// <summary>
/// Whether the change was applied is not known: the <c>PUT</c>'s answer never came (a dropped connection, a time-out),
/// or the gateway itself failed unexpectedly. Its intent record stands; retrying is safe (the next attempt reads first).
/// </summary>
public sealed record Unknown(string ErrorCode, string Message) : Outcome
{
    public override string Name => "unknown";
    public override string Code => ErrorCode;
    public override bool IsTransient => true;
}
