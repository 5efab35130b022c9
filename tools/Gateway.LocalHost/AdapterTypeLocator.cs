namespace AccessTokenGateway.LocalHost;

/// <summary>Tells the WebJobs SDK which classes hold functions (its default scans the entry assembly, which under a test runner is not ours).</summary>
internal sealed class AdapterTypeLocator : Microsoft.Azure.WebJobs.ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => [typeof(QueueTriggerAdapter)];
}
