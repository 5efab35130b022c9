using System.Diagnostics;
using System.Reflection;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>
/// The Bicep CLI restored from NuGet (tools/bicep/bicep.props), found where tools/bicep/check.sh finds it:
/// in the NuGet global packages folder, <c>NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>.
/// </summary>
internal static class BicepCli
{
    public static string Locate()
    {
        var package = Metadata("BicepCliPackage").ToLowerInvariant();
        var version = Metadata("BicepCliVersion");
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, package, version, "tools", "bicep");
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The Bicep CLI {version} is not at {path}. Run `dotnet restore tools/bicep` from the repository root.");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Compiles a .bicep file to ARM JSON; any diagnostic, warning included, is a failure.</summary>
    public static string Build(string bicepFile)
    {
        var start = new ProcessStartInfo(Locate(), ["build", bicepFile, "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep build {bicepFile} took longer than 3 minutes.");
        }
        var diagnostics = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0 || diagnostics.Length > 0)
            throw new InvalidOperationException($"bicep build {bicepFile} exited {process.ExitCode}:\n{diagnostics}");
        return stdout.GetAwaiter().GetResult();
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is empty.");
}
