using System.Text.Json;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>The app settings in the template are the ones the app needs to start and run in Azure.</summary>
public class AppSettingsTests
{
    public static TheoryData<string> RequiredByTheOptionsClasses() => new(RequiredSettings.AppSettingNames());

    [Theory]
    [MemberData(nameof(RequiredByTheOptionsClasses))]
    public void Every_setting_an_options_class_requires_is_an_app_setting(string setting)
    {
        Assert.Contains(setting, FunctionApp.AppSettings().Keys);
    }

    [Fact]
    public void The_options_convention_finds_the_core_options_classes()
    {
        // Guards the theory above against passing vacuously if the convention stops matching.
        var sections = RequiredSettings.OptionsClasses().Select(RequiredSettings.SectionName).ToList();
        Assert.Contains("DatoCms", sections);
        Assert.Contains("DatoCms__BaseUrl", RequiredSettings.AppSettingNames());
    }

    [Theory]
    // Required in Azure though an options class may require them only outside Development.
    [InlineData("KeyVault__VaultUri")]
    [InlineData("DatoCms__BaseUrl")]
    // The queue trigger, host storage and the gateway's own storage clients.
    [InlineData("AzureWebJobsStorage__credential")]
    [InlineData("AzureWebJobsStorage__clientId")]
    [InlineData("AzureWebJobsStorage__blobServiceUri")]
    [InlineData("AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage__tableServiceUri")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    [InlineData("AZURE_CLIENT_ID")]
    public void Settings_needed_in_Azure_are_set(string setting)
    {
        Assert.Contains(setting, FunctionApp.AppSettings().Keys);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    [InlineData("DatoCms__BaseUrl", "https://site-api.datocms.com")]
    [InlineData("DatoCms__Environment", "")]
    [InlineData("KeyVault__CmaTokenSecretName", "datocms-cma-token")]
    [InlineData("KeyVault__CacheDuration", "00:05:00")]
    [InlineData("Signatures__SecretName", "webhook-signing-secret")]
    [InlineData("Grants__RevertKeySecretName", "grant-revert-key")]
    [InlineData("Policy__MaxGrantDuration", "30.00:00:00")]
    public void Gateway_settings_have_their_documented_values(string setting, string expected)
    {
        Assert.Equal(expected, FunctionApp.LiteralSetting(setting));
    }

    [Fact]
    public void Queue_names_are_not_settings()
    {
        // The queues are fixed names the trigger, the app and the template share; a setting could only make them disagree.
        Assert.DoesNotContain(FunctionApp.AppSettings().Keys, key => key.Contains("QueueName", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Policy__QueueMayGrant", "queueMayGrant")]
    [InlineData("Signatures__Enabled", "signaturesEnabled")]
    public void Switches_are_off_by_default(string setting, string flag)
    {
        Assert.Equal($"[if(parameters('gateway').{flag}, 'true', 'false')]", FunctionApp.AppSettings()[setting].GetString());
        var value = FunctionApp.Site.Resolve(JsonDocument.Parse($"\"[parameters('gateway').{flag}]\"").RootElement);
        Assert.Equal(JsonValueKind.False, value?.ValueKind);
    }

    [Fact]
    public void The_identity_is_the_one_credential_everything_uses()
    {
        var settings = FunctionApp.AppSettings();
        var clientId = settings["AZURE_CLIENT_ID"].GetString();
        Assert.Contains("clientId", clientId, StringComparison.Ordinal);
        Assert.Equal(clientId, settings["AzureWebJobsStorage__clientId"].GetString());
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].GetString(), StringComparison.Ordinal);
        Assert.Contains("ClientId=", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    // Flex Consumption rejects these: the runtime and package location live in functionAppConfig.
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("AzureWebJobsStorage")]
    public void Settings_Flex_Consumption_forbids_or_that_carry_keys_are_absent(string setting)
    {
        Assert.DoesNotContain(setting, FunctionApp.AppSettings().Keys);
    }
}
