using AccessTokenGateway.Storage;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AccessTokenGateway.Tests.Storage;

/// <summary>The storage account is found the way the Functions host finds its own: a connection string locally, the identity in Azure.</summary>
public sealed class StorageAccountTests
{
    // As infra/app/api.bicep sets them.
    private static readonly (string, string)[] IdentityBased =
    [
        ("AzureWebJobsStorage:queueServiceUri", "https://stexample.queue.core.windows.net/"),
        ("AzureWebJobsStorage:blobServiceUri", "https://stexample.blob.core.windows.net/"),
        ("AzureWebJobsStorage:tableServiceUri", "https://stexample.table.core.windows.net/"),
        ("AzureWebJobsStorage:credential", "managedidentity"),
        ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001"),
    ];

    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build().GetSection("AzureWebJobsStorage");

    [Fact]
    public void Identity_based_settings_name_each_service()
    {
        var section = Section(IdentityBased);
        var credential = new DefaultAzureCredential();

        Assert.Equal(new Uri("https://stexample.queue.core.windows.net/"), StorageAccount.Queues(section, new QueueClientOptions(), credential).Uri);
        Assert.Equal(new Uri("https://stexample.blob.core.windows.net/"), StorageAccount.Blobs(section, new BlobClientOptions(), credential).Uri);
        Assert.Equal(new Uri("https://stexample.table.core.windows.net/"), StorageAccount.Tables(section, new TableClientOptions(), credential).Uri);
    }

    [Fact]
    public void Every_storage_client_resolves_from_the_gateways_services_with_identity_based_settings()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(IdentityBased.Select(s => KeyValuePair.Create(s.Item1, (string?)s.Item2)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/" });
        builder.Services.AddAccessTokenGateway(builder.Configuration);
        using var host = builder.Build();

        Assert.Equal("stexample", host.Services.GetRequiredService<QueueServiceClient>().AccountName);
        Assert.Equal("stexample", host.Services.GetRequiredService<BlobServiceClient>().AccountName);
        Assert.Equal("stexample", host.Services.GetRequiredService<TableServiceClient>().AccountName);
        Assert.NotNull(host.Services.GetRequiredService<AccessTokenGateway.Changes.ChangePipeline>());
    }

    [Fact]
    public void An_account_name_or_a_connection_string_serves_too()
    {
        var credential = new DefaultAzureCredential();
        Assert.Equal(new Uri("https://stother.table.core.windows.net/"), StorageAccount.Tables(Section(("AzureWebJobsStorage:accountName", "stother")), new TableClientOptions(), credential).Uri);
        Assert.Equal("devstoreaccount1", StorageAccount.Queues(Section(("AzureWebJobsStorage", "UseDevelopmentStorage=true")), new QueueClientOptions(), credential).AccountName);
    }

    [Fact]
    public void No_service_is_a_clear_error()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            StorageAccount.Tables(Section(("AzureWebJobsStorage:queueServiceUri", "https://stexample.queue.core.windows.net/")), new TableClientOptions(), new DefaultAzureCredential()));

        Assert.Contains("tableServiceUri", failure.Message);
    }
}
