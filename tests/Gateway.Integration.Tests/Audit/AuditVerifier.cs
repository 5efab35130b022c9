using System.Diagnostics;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>Runs <c>npm run audit:verify</c>'s script (tools/audit/verify.mjs) against a container of the test Azurite.</summary>
internal static class AuditVerifier
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string connectionString, string container)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(RepoPaths.Root, "tools", "audit", "verify.mjs"), "--container", container, "--quiet"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AZURE_STORAGE_CONNECTION_STRING"] = connectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
