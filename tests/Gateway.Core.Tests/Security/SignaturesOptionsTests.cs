using AccessTokenGateway.Authentication;
using AccessTokenGateway.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Tests.Security;

/// <summary>Signature settings are checked once, at start-up: a gateway that cannot check signatures does not start.</summary>
public sealed class SignaturesOptionsTests
{
    private static SignaturesOptions Resolve(string environment, params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment });
        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.SectionName));
        services.AddCallerAuthentication(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SignaturesOptions>>().Value;
    }

    [Fact]
    public void Defaults_are_off_with_the_documented_secret_name_tolerance_and_table()
    {
        var options = Resolve(Environments.Production);

        Assert.False(options.Enabled);
        Assert.Equal("webhook-signing-secret", options.SecretName);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Tolerance);
        Assert.Equal("replayedsignatures", options.ReplayTableName);
        Assert.Equal("Signatures", SignaturesOptions.SectionName);
    }

    [Theory]
    [InlineData("Production", "Signatures:Enabled", "true", "needs the signing secret")]
    [InlineData("Development", "Signatures:Enabled", "true", "needs the signing secret")]
    [InlineData("Production", "Signatures:DevelopmentSecret", "0123456789abcdef0123456789abcdef", "only allowed in Development")]
    [InlineData("Development", "Signatures:DevelopmentSecret", "too-short", "at least 32 bytes")]
    [InlineData("Production", "Signatures:Tolerance", "02:00:00", "Tolerance")]
    [InlineData("Production", "Signatures:ReplayTableName", "no-dashes-in-table-names", "ReplayTableName")]
    [InlineData("Production", "Signatures:SecretName", "not/a/secret/name", "SecretName")]
    public void Settings_that_cannot_work_fail_at_start(string environment, string key, string value, string message)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(environment, (key, value)));

        Assert.Contains(message, failure.Message);
    }

    [Fact]
    public void With_a_vault_signatures_may_be_switched_on()
    {
        var options = Resolve(Environments.Production, ("Signatures:Enabled", "true"), ("KeyVault:VaultUri", "https://kv-example.vault.azure.net/"));

        Assert.True(options.Enabled);
    }
}
