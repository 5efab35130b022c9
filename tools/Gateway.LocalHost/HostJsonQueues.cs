using AccessTokenGateway.Functions.Queue;
using Microsoft.Azure.WebJobs.Host;

namespace AccessTokenGateway.LocalHost;

/// <summary>Applies host.json's <c>extensions.queues</c> to the local listener, so local runs retry exactly as Azure does.</summary>
internal static class HostJsonQueues
{
    public static void Apply(QueuesOptions options, string hostJsonPath)
    {
        var queues = HostJson.Read(hostJsonPath);
        if (queues.MaxPollingInterval is { } poll) options.MaxPollingInterval = poll;
        if (queues.VisibilityTimeout is { } visibility) options.VisibilityTimeout = visibility;
        if (queues.BatchSize is { } batch) options.BatchSize = batch;
        if (queues.NewBatchThreshold is { } threshold) options.NewBatchThreshold = threshold;
        options.MaxDequeueCount = queues.MaxDequeueCount;
    }
}
