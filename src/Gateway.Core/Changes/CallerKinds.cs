namespace AccessTokenGateway.Changes;

/// <summary>The <see cref="CallerIdentity.Kind"/> values the gateway records, the one list of them.</summary>
public static class CallerKinds
{
    /// <summary>An HTTP caller the gateway could not name (in Azure, a bare function key: the host does not say which).</summary>
    public const string Anonymous = "anonymous";
    /// <summary>A caller known by the name of its function key (the local host knows it).</summary>
    public const string FunctionKey = "function_key";
    /// <summary>An App Service Authentication (Easy Auth) principal: <c>&lt;idp&gt;:&lt;name or object id&gt;</c>.</summary>
    public const string Principal = "principal";
    /// <summary>A webhook sender that proved it holds the signing secret: <c>webhook</c>, or <c>webhook:previous</c>.</summary>
    public const string Signer = "signer";
    /// <summary>A sender to the change queue: the queue's name and the envelope the message came in.</summary>
    public const string Queue = "queue";
    /// <summary>The gateway itself, ending an expiring grant: <c>grant-reverts</c> (its revert message) or <c>grant-sweeper</c>.</summary>
    public const string Gateway = "gateway";
}
