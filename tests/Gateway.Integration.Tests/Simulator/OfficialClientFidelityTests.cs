using System.Diagnostics;
using System.Text.Json;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Simulator;

/// <summary>Runs tools/client-check/check.mjs (the official @datocms/cma-client-node) against an in-process simulator.</summary>
public sealed class OfficialClientFidelityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Official_DatoCMS_client_works_against_the_simulator()
    {
        var root = FindRepoRoot();
        var script = Path.Combine(root, "tools", "client-check", "check.mjs");
        Assert.True(File.Exists(script), $"missing {script}");
        Assert.True(Directory.Exists(Path.Combine(root, "node_modules", "@datocms", "cma-client-node")),
            "node_modules/@datocms/cma-client-node is missing: run `npm ci` at the repository root");

        await using var server = await SimulatorServer.StartAsync();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(server.BaseUrl.ToString());
        start.ArgumentList.Add(SimulatorHttp.ApiToken);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"check.mjs did not finish within {Timeout}.\n{await stdout}\n{await stderr}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"check.mjs exited with {process.ExitCode}:\n{output}\n{await stderr}");
        using var summary = JsonDocument.Parse(output);
        Assert.True(summary.RootElement.GetProperty("ok").GetBoolean(), output);
        var putHeaders = summary.RootElement.GetProperty("observed").GetProperty("putHeaders");
        Assert.StartsWith("@datocms/cma-client", putHeaders.GetProperty("user-agent").GetString());
        Assert.Equal("3", putHeaders.GetProperty("x-api-version").GetString());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
