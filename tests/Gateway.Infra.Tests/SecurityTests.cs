using System.Text.Json;
using System.Text.RegularExpressions;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>No shared key anywhere; every resource demands Entra ID; each identity gets exactly its roles.</summary>
public partial class SecurityTests
{
    [Theory]
    [InlineData("listKeys")]
    [InlineData("listAccountSas")]
    [InlineData("listServiceSas")]
    [InlineData("AccountKey")]
    [InlineData("DefaultEndpointsProtocol")]
    [InlineData("SharedAccessSignature")]
    [InlineData("InstrumentationKey=")]
    public void No_connection_string_or_key_appears_in_the_template(string forbidden)
    {
        Assert.DoesNotContain(forbidden, ArmTemplate.Main.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Storage_refuses_shared_keys_public_blobs_and_old_TLS()
    {
        var properties = ArmTemplate.Main.OfType("Microsoft.Storage/storageAccounts").Single(r => !r.IsExisting).Properties;
        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
    }

    [Fact]
    public void Storage_has_the_gateways_queues_table_and_containers()
    {
        var storage = ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == "storage");
        Assert.Equal(
            ["access-token-audit", "access-token-changes", "access-token-changes-poison", "access-token-grant-reverts", "access-token-grant-reverts-poison"],
            Strings(storage, "queues").Order(StringComparer.Ordinal));
        Assert.Equal(["grantreverts", "grants", "replayedsignatures"], Strings(storage, "tables").Order(StringComparer.Ordinal));
        // token-leases, and the deployment package container (its name is computed at deployment).
        var containers = storage.ModuleArgument("containers").EnumerateArray().Select(v => storage.Resolve(v)?.GetString()).ToList();
        Assert.Equal(2, containers.Count);
        Assert.Contains("token-leases", containers);
        Assert.Equal(AccessTokenGateway.Audit.AuditArchive.ContainerName, storage.Resolve(storage.ModuleArgument("archiveContainerName"))?.GetString());
    }

    [Fact]
    public void The_audit_archive_is_WORM_for_a_retention_the_deployment_chooses_and_still_takes_appends()
    {
        var policy = ArmTemplate.Main.Single("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies");
        // Its name is a format of the account, 'default', the container and 'default'.
        Assert.EndsWith("parameters('archiveContainerName'), 'default')]", policy.Name);
        Assert.True(policy.Properties.GetProperty("allowProtectedAppendWrites").GetBoolean());
        Assert.Equal("[parameters('archiveRetentionDays')]", policy.Properties.GetProperty("immutabilityPeriodSinceCreationInDays").GetString());

        // main.bicep's parameter, with a default of about seven years, is what the storage module gets.
        var retention = ArmTemplate.Main.Root.GetProperty("parameters").GetProperty("auditRetentionDays");
        Assert.Equal(2557, retention.GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, retention.GetProperty("minValue").GetInt32());
        var storage = ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == "storage");
        Assert.Equal("[parameters('auditRetentionDays')]", storage.ModuleArgument("archiveRetentionDays").GetString());
        Assert.Equal(2557, storage.Resolve(storage.ModuleArgument("archiveRetentionDays"))?.GetInt32());
    }

    [Fact]
    public void Key_vault_is_RBAC_only_with_soft_delete_and_purge_protection()
    {
        var properties = ArmTemplate.Main.OfType("Microsoft.KeyVault/vaults").Single(r => !r.IsExisting).Properties;
        Assert.True(properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(properties.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(properties.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.False(properties.TryGetProperty("accessPolicies", out _));
    }

    [Fact]
    public void Secrets_are_left_for_the_operator_to_set()
    {
        Assert.Empty(ArmTemplate.Main.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public void Application_Insights_accepts_only_Entra_ID_authenticated_telemetry()
    {
        var properties = ArmTemplate.Main.OfType("Microsoft.Insights/components").Single(r => !r.IsExisting).Properties;
        Assert.True(properties.GetProperty("DisableLocalAuth").GetBoolean());
        Assert.True(properties.TryGetProperty("WorkspaceResourceId", out _));
    }

    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageQueueDataReader = "19e7f393-937e-4f77-808e-94535e297925";
    private const string StorageQueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";
    private const string StorageQueueDataMessageProcessor = "8a0f0c08-91a1-4084-bc3d-661d67233fed";
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public void Role_assignments_grant_exactly_the_expected_built_in_roles_at_the_expected_scopes()
    {
        // Module deployment name (loops show their format string) -> role and the resource type it is scoped to.
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["role-app-key-vault-secrets-user"] = $"{KeyVaultSecretsUser} on Microsoft.KeyVault/vaults",
            ["role-app-storage-blob-data-owner"] = $"{StorageBlobDataOwner} on Microsoft.Storage/storageAccounts",
            ["role-app-queue-data-contributor-{0}"] = $"{StorageQueueDataContributor} on Microsoft.Storage/storageAccounts/queueServices/queues",
            ["role-app-audit-queue-data-message-sender"] = $"{StorageQueueDataMessageSender} on Microsoft.Storage/storageAccounts/queueServices/queues",
            ["role-app-storage-table-data-contributor"] = $"{StorageTableDataContributor} on Microsoft.Storage/storageAccounts",
            ["role-app-monitoring-metrics-publisher"] = $"{MonitoringMetricsPublisher} on Microsoft.Insights/components",
            ["role-operator-key-vault-secrets-officer"] = $"{KeyVaultSecretsOfficer} on Microsoft.KeyVault/vaults",
            ["role-operator-queue-data-reader-{0}"] = $"{StorageQueueDataReader} on Microsoft.Storage/storageAccounts/queueServices/queues",
            ["role-operator-archive-blob-data-reader"] = $"{StorageBlobDataReader} on Microsoft.Storage/storageAccounts/blobServices/containers",
            ["role-consumer-audit-queue-data-message-processor"] = $"{StorageQueueDataMessageProcessor} on Microsoft.Storage/storageAccounts/queueServices/queues",
            ["role-consumer-archive-blob-data-reader"] = $"{StorageBlobDataReader} on Microsoft.Storage/storageAccounts/blobServices/containers",
            ["role-sender-queue-data-message-sender"] = $"{StorageQueueDataMessageSender} on Microsoft.Storage/storageAccounts/queueServices/queues",
        };

        var actual = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var module in ArmTemplate.Main.OfType("Microsoft.Resources/deployments"))
        {
            var assignments = Resources(module.Properties.GetProperty("template"))
                .Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
                .ToList();
            if (assignments.Count == 0) continue;
            var assignment = Assert.Single(assignments);
            // The role is the module's literal argument, used as is: nothing else can pick the role.
            Assert.Equal(
                "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('roleDefinitionId'))]",
                assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString());
            var role = module.ModuleArgument("roleDefinitionId");
            Assert.Equal(JsonValueKind.String, role.ValueKind);
            var scopeType = ScopeType().Match(assignment.GetProperty("scope").GetString()!).Groups["type"].Value;
            actual.Add(DeploymentName(module.Name), $"{role.GetString()} on {scopeType}");
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_app_identity_gets_queue_roles_on_its_own_queues_only_and_may_only_add_to_the_audit_queue()
    {
        var rbac = ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == "rbac");
        // Contributor (which can delete and clear) on the change and poison queues; on the audit queue, add only.
        Assert.Equal(
            ["access-token-changes", "access-token-changes-poison", "access-token-grant-reverts", "access-token-grant-reverts-poison"],
            Strings(rbac, "appQueueNames").Order(StringComparer.Ordinal));
        Assert.Equal("access-token-audit", rbac.Resolve(rbac.ModuleArgument("auditQueueName"))?.GetString());
        Assert.Equal(AccessTokenGateway.Audit.AuditArchive.ContainerName, rbac.Resolve(rbac.ModuleArgument("archiveContainerName"))?.GetString());
        Assert.Equal(["access-token-audit", "access-token-changes-poison"], Strings(rbac, "operatorQueueNames").Order(StringComparer.Ordinal));
        Assert.Equal("access-token-changes", rbac.Resolve(rbac.ModuleArgument("changeQueueName"))?.GetString());
    }

    [Fact]
    public void Nobody_but_the_app_gets_a_role_on_the_reverts_queues()
    {
        // A revert message is the gateway's own: an event sender or an operator able to write there could try to
        // forge one (they are sealed too, but the first line is that nobody else can add one).
        var rbac = ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == "rbac");
        Assert.DoesNotContain(Strings(rbac, "operatorQueueNames"), q => q.Contains("grant-reverts", StringComparison.Ordinal));
        Assert.DoesNotContain("grant-reverts", rbac.Resolve(rbac.ModuleArgument("changeQueueName"))?.GetString(), StringComparison.Ordinal);
        var senderModule = Resources(rbac.Properties.GetProperty("template"))
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == "role-sender-queue-data-message-sender");
        Assert.Equal("[parameters('changeQueueName')]", senderModule.GetProperty("properties").GetProperty("parameters").GetProperty("queueName").GetProperty("value").GetString());
    }

    [Fact]
    public void No_role_assignment_escapes_the_role_modules()
    {
        // Each assignment sits alone in a role module (checked above); none is declared directly.
        var direct = ArmTemplate.Main.OfType("Microsoft.Authorization/roleAssignments").Count();
        var modules = ArmTemplate.Main.OfType("Microsoft.Resources/deployments")
            .Count(m => Resources(m.Properties.GetProperty("template"))
                .Any(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments"));
        Assert.Equal(modules, direct);
    }

    private static List<string> Strings(ArmTemplate.Resource module, string parameter) =>
        module.ModuleArgument(parameter).EnumerateArray()
            .Select(v => module.Resolve(v)?.GetString() ?? throw new InvalidOperationException($"{parameter}: {v} is not a literal"))
            .ToList();

    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
    }

    private static string DeploymentName(string name) =>
        FormatString().Match(name) is { Success: true } format ? format.Groups["format"].Value : name;

    [GeneratedRegex(@"^\[format\('(?<format>[^']*)'")]
    private static partial Regex FormatString();

    [GeneratedRegex(@"resourceId\('(?<type>[^']+)'")]
    private static partial Regex ScopeType();
}
