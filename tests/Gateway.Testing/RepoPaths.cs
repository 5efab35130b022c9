namespace AccessTokenGateway.Tests.Support;

public static class RepoPaths
{
    /// <summary>The repository root: the folder holding Functions.sln above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
