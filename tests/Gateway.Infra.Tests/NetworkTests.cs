using System.Text.Json;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>
/// Private networking, an option of the template and on in the parameters azd deploys: the app joins a virtual network,
/// storage (blob, queue, table) and Key Vault are reached through private endpoints with private DNS, and refuse public
/// networks. Diagnostic logs of the vault and of storage go to Log Analytics whatever the option.
/// </summary>
public sealed class NetworkTests
{
    private const string Switch = "[parameters('privateNetworking')]";

    private static ArmTemplate.Resource Module(string name) => ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == name);

    [Fact]
    public void Private_networking_is_an_option_off_in_the_template_and_on_for_azd()
    {
        Assert.False(ArmTemplate.Main.Root.GetProperty("parameters").GetProperty("privateNetworking").GetProperty("defaultValue").GetBoolean());
        var azd = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.parameters.json"))).RootElement;
        Assert.Equal("${GATEWAY_PRIVATE_NETWORKING=true}", azd.GetProperty("parameters").GetProperty("privateNetworking").GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts", "storage")]
    [InlineData("Microsoft.KeyVault/vaults", "key-vault")]
    public void Storage_and_Key_Vault_refuse_public_networks_when_the_option_is_on(string type, string module)
    {
        var properties = ArmTemplate.Main.OfType(type).Single(r => !r.IsExisting).Properties;
        Assert.Equal("[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]", properties.GetProperty("publicNetworkAccess").GetString());
        Assert.Equal("[if(parameters('privateNetworking'), 'Deny', 'Allow')]", properties.GetProperty("networkAcls").GetProperty("defaultAction").GetString());
        Assert.Equal(Switch, Module(module).ModuleArgument("privateNetworking").GetString());
    }

    [Fact]
    public void The_app_integrates_with_a_subnet_delegated_to_Flex_Consumption()
    {
        var network = Module("network");
        Assert.Equal(Switch, network.Element.GetProperty("condition").GetString());
        var subnets = ArmTemplate.Main.Single("Microsoft.Network/virtualNetworks").Properties.GetProperty("subnets").EnumerateArray().ToList();
        Assert.Equal(2, subnets.Count);
        Assert.Contains(subnets, s => s.GetProperty("properties").TryGetProperty("delegations", out var d)
            && d.EnumerateArray().Any(x => x.GetProperty("properties").GetProperty("serviceName").GetString() == "Microsoft.App/environments"));

        Assert.Equal("[if(empty(parameters('appSubnetId')), null(), parameters('appSubnetId'))]",
            FunctionApp.Site.Properties.GetProperty("virtualNetworkSubnetId").GetString());
        // A conditional argument compiles to one expression for the whole parameter.
        var passed = Module("api").Properties.GetProperty("parameters").GetProperty("appSubnetId").GetString()!;
        Assert.StartsWith("[if(parameters('privateNetworking'), createObject('value', reference('network').outputs.appSubnetId.value)", passed, StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_queue_table_and_vault_each_get_a_private_endpoint_and_a_private_DNS_zone()
    {
        var endpoints = Module("[format('private-endpoint-{0}', variables('privateLinks')[copyIndex()].groupId)]");
        Assert.Equal(Switch, endpoints.Element.GetProperty("condition").GetString());
        var links = ArmTemplate.Main.Root.GetProperty("variables").GetProperty("privateLinks").EnumerateArray().ToList();
        Assert.Equal(["blob", "queue", "table", "vault"], links.Select(l => l.GetProperty("groupId").GetString()));
        Assert.All(links, l => Assert.StartsWith("privatelink.", l.GetProperty("zone").GetString()!.Replace("[format('", "", StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.Equal(["storage", "storage", "storage", "keyVault"], links.Select(l => l.GetProperty("target").GetString()));

        // The endpoint module: one endpoint for the group, its DNS zone linked to the network, and the zone group that registers it.
        Assert.Single(ArmTemplate.Main.OfType("Microsoft.Network/privateEndpoints"));
        Assert.Single(ArmTemplate.Main.OfType("Microsoft.Network/privateDnsZones"));
        Assert.Single(ArmTemplate.Main.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks"));
        Assert.Single(ArmTemplate.Main.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
        var connection = ArmTemplate.Main.Single("Microsoft.Network/privateEndpoints").Properties.GetProperty("privateLinkServiceConnections")[0].GetProperty("properties");
        Assert.Equal("[parameters('groupId')]", connection.GetProperty("groupIds")[0].GetString());
    }

    [Fact]
    public void Key_Vault_and_storage_send_their_access_logs_to_Log_Analytics()
    {
        var settings = ArmTemplate.Main.OfType("Microsoft.Insights/diagnosticSettings").ToList();
        var scopes = settings.Select(s => s.Element.GetProperty("scope").GetString()!).ToList();
        Assert.Contains(scopes, s => s.Contains("'Microsoft.KeyVault/vaults'", StringComparison.Ordinal));
        foreach (var service in new[] { "blobServices", "queueServices", "tableServices" })
            Assert.Contains(scopes, s => s.Contains($"'Microsoft.Storage/storageAccounts/{service}'", StringComparison.Ordinal));
        Assert.All(settings, s => Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", s.Properties.GetProperty("workspaceId").GetString()));

        var vaultLogs = settings.Single(s => s.Element.GetProperty("scope").GetString()!.Contains("KeyVault", StringComparison.Ordinal)).Properties.GetProperty("logs");
        Assert.Equal("audit", vaultLogs[0].GetProperty("categoryGroup").GetString());
        var storageLogs = ArmTemplate.Main.OfType("Microsoft.Storage/storageAccounts").Single(r => !r.IsExisting).Scope.Template
            .GetProperty("variables").GetProperty("storageLogs").EnumerateArray().Select(l => l.GetProperty("category").GetString());
        Assert.Equal(["StorageRead", "StorageWrite", "StorageDelete"], storageLogs);
        foreach (var module in new[] { "storage", "key-vault" })
            Assert.Equal("[reference('monitoring').outputs.logAnalyticsWorkspaceId.value]", Module(module).ModuleArgument("logAnalyticsWorkspaceId").GetString());
    }
}
