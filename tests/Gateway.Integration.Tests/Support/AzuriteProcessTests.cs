using Azure.Storage.Queues;

namespace AccessTokenGateway.Tests.Support;

/// <summary>The launcher's on-disk Azurite (the benchmark's drains run on it): real storage, and nothing left behind.</summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task An_azurite_on_disk_keeps_messages_in_a_temporary_folder_of_its_own_and_deletes_it_when_stopped()
    {
        string folder;
        await using (var azurite = await AzuriteProcess.StartAsync(onDisk: true))
        {
            folder = azurite.Folder!;
            Assert.StartsWith(Path.GetFullPath(Path.GetTempPath()), folder);
            var queue = azurite.Queue("on-disk");
            await queue.CreateAsync();
            await queue.SendMessageAsync("kept");

            var received = (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value;

            Assert.Equal(["kept"], received.Select(m => m.Body.ToString()));
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(folder));
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task An_azurite_in_memory_has_no_folder()
    {
        await using var azurite = await AzuriteProcess.StartAsync();

        Assert.Null(azurite.Folder);
        await azurite.Queue("in-memory").CreateAsync();
    }
}
