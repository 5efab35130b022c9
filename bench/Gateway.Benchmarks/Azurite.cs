using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Benchmarks;

/// <summary>Azurite as the tests start it, with the product's queues already there.</summary>
internal static class Azurite
{
    public static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = await AzuriteProcess.StartAsync();
        foreach (var name in new[] { QueueNames.Changes, QueueNames.ChangesPoison, QueueNames.Audit }) await azurite.Queue(name).CreateIfNotExistsAsync();
        return azurite;
    }
}
