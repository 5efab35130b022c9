namespace AccessTokenGateway.Infra.Tests;

internal static class Repository
{
    /// <summary>The repository root: the nearest folder above the test binaries holding infra/main.bicep.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "infra", "main.bicep"))) return dir.FullName;
        throw new InvalidOperationException($"No infra/main.bicep above {AppContext.BaseDirectory}.");
    }
}
