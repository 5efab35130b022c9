using System.Text.RegularExpressions;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>The Function App runs .NET 10 isolated on Flex Consumption, HTTPS only, and azd can find it.</summary>
public partial class HostingTests
{
    [Fact]
    public void The_plan_is_Flex_Consumption()
    {
        var plan = ArmTemplate.Main.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Element.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.Element.GetProperty("sku").GetProperty("tier").GetString());
    }

    [Fact]
    public void The_app_runs_dotnet_isolated_10_from_a_package_it_reads_with_its_identity()
    {
        var config = FunctionApp.Site.Properties.GetProperty("functionAppConfig");
        var runtime = config.GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        var storage = config.GetProperty("deployment").GetProperty("storage");
        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.Equal("UserAssignedIdentity", storage.GetProperty("authentication").GetProperty("type").GetString());
        var scale = config.GetProperty("scaleAndConcurrency");
        Assert.True(scale.TryGetProperty("instanceMemoryMB", out _));
        Assert.True(scale.TryGetProperty("maximumInstanceCount", out _));
    }

    [Fact]
    public void The_app_runs_as_the_user_assigned_identity_only()
    {
        Assert.Equal("UserAssigned", FunctionApp.Site.Element.GetProperty("identity").GetProperty("type").GetString());
    }

    [Fact]
    public void The_app_is_HTTPS_only_with_TLS_1_2_and_no_FTP()
    {
        var properties = FunctionApp.Site.Properties;
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        var siteConfig = properties.GetProperty("siteConfig");
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public void Basic_auth_publishing_is_off_for_FTP_and_SCM()
    {
        var policies = ArmTemplate.Main.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False(p.Properties.GetProperty("allow").GetBoolean()));
        Assert.Contains(policies, p => p.Name.Contains("'ftp'", StringComparison.Ordinal));
        Assert.Contains(policies, p => p.Name.Contains("'scm'", StringComparison.Ordinal));
    }

    [Fact]
    public void Azd_deploys_the_functions_project_to_the_app_it_tags()
    {
        var azureYaml = File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml"));
        var service = AzdService().Match(azureYaml);
        Assert.True(service.Success, "azure.yaml declares no service");
        Assert.Equal("./src/Gateway.Functions/", service.Groups["project"].Value);
        Assert.Equal("dotnet", service.Groups["language"].Value);
        Assert.Equal("function", service.Groups["host"].Value);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "src", "Gateway.Functions", "Gateway.Functions.csproj")));

        var api = ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == "api");
        Assert.Equal(service.Groups["name"].Value, api.ModuleArgument("serviceName").GetString());
        Assert.Contains("'azd-service-name', parameters('serviceName')", FunctionApp.Site.Element.GetProperty("tags").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AZURE_FUNCTION_APP_NAME")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("AZURE_KEY_VAULT_NAME")]
    [InlineData("AZURE_KEY_VAULT_URI")]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_AUDIT_QUEUE_NAME")]
    public void Azd_gets_the_outputs_the_docs_use(string output)
    {
        Assert.True(ArmTemplate.Main.Root.GetProperty("outputs").TryGetProperty(output, out _));
    }

    [Fact]
    public void Outputs_are_upper_snake_case_for_azd()
    {
        Assert.All(
            ArmTemplate.Main.Root.GetProperty("outputs").EnumerateObject(),
            o => Assert.Matches("^[A-Z][A-Z0-9_]*$", o.Name));
    }

    [Fact]
    public void The_deployment_is_subscription_scoped_with_a_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate", ArmTemplate.Main.Root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        Assert.Single(ArmTemplate.Main.OfType("Microsoft.Resources/resourceGroups"));
    }

    [GeneratedRegex(@"^services:\s*\n\s+(?<name>[a-z0-9-]+):\s*\n\s+project:\s*(?<project>\S+)\s*\n\s+language:\s*(?<language>\S+)\s*\n\s+host:\s*(?<host>\S+)", RegexOptions.Multiline)]
    private static partial Regex AzdService();
}
