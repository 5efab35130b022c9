namespace AccessTokenGateway.Outcomes;

/// <summary>
/// What became of a change: one of a closed set, built once by the pipeline. The audit record and both adapters read
/// it (the HTTP adapter maps it to a status, the queue adapter to complete or retry); nothing rewrites it afterwards.
/// </summary>
public abstract record Outcome
{
    private protected Outcome() { }

    /// <summary>The name the audit record and the answer's <c>meta.outcome</c> use.</summary>
    public abstract string Name { get; }

    /// <summary>The error code, for every outcome that is not a success.</summary>
    public virtual string? Code => null;

    /// <summary>A later attempt of the same request could succeed: the queue retries it, an HTTP caller may.</summary>
    public virtual bool IsTransient => false;
}
