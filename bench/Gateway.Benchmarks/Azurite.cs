using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Benchmarks;

/// <summary>Azurite as the tests start it (or on disk, see <see cref="AzuriteProcess.StartAsync"/>), with the product's queues already there.</summary>
internal static class Azurite
{
    public static async Task<AzuriteProcess> StartAsync(bool onDisk = false)
    {
        var azurite = await AzuriteProcess.StartAsync(onDisk);
        foreach (var name in new[] { QueueNames.Changes, QueueNames.ChangesPoison, QueueNames.Audit }) await azurite.Queue(name).CreateIfNotExistsAsync();
        return azurite;
    }
}
