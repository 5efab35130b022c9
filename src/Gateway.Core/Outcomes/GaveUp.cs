namespace AccessTokenGateway.Outcomes;

/// <summary>A transient outcome on the last delivery the transport will make: nothing will try this request again.</summary>
public sealed record GaveUp(Outcome Last) : Outcome
{
    public override string Name => "gave_up";
    public override string? Code => Last.Code;
    public override bool IsTransient => true;
}
