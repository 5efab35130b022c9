using System.Text.Json;
using Microsoft.Azure.WebJobs.Host;

namespace AccessTokenGateway.LocalHost;

/// <summary>Applies host.json's <c>extensions.queues</c> to the local listener, so local runs retry exactly as Azure does.</summary>
internal static class HostJsonQueues
{
    public static void Apply(QueuesOptions options, string hostJsonPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(hostJsonPath));
        if (!json.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("queues", out var queues)) return;
        if (queues.TryGetProperty("maxPollingInterval", out var poll)) options.MaxPollingInterval = TimeSpan.Parse(poll.GetString()!);
        if (queues.TryGetProperty("visibilityTimeout", out var visibility)) options.VisibilityTimeout = TimeSpan.Parse(visibility.GetString()!);
        if (queues.TryGetProperty("batchSize", out var batch)) options.BatchSize = batch.GetInt32();
        if (queues.TryGetProperty("newBatchThreshold", out var threshold)) options.NewBatchThreshold = threshold.GetInt32();
        if (queues.TryGetProperty("maxDequeueCount", out var dequeue)) options.MaxDequeueCount = dequeue.GetInt32();
    }

    public static int MaxDequeueCount(string hostJsonPath)
    {
        var options = new QueuesOptions();
        Apply(options, hostJsonPath);
        return options.MaxDequeueCount;
    }
}
