using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Tests.Approvals;

/// <summary>
/// The look-alike table: every spelling an attacker could use to turn one person into two, and what becomes of it —
/// the same person (folded to one form) or refused. Never a second person.
/// </summary>
public sealed class PersonNamesTests
{
    private const string Mallory = "mallory@example.com";

    public static TheoryData<string, string, string> SamePerson() => new()
    {
        { "letter case", "Mallory@Example.COM", Mallory },
        { "fullwidth letters", "ｍａｌｌｏｒｙ@ｅｘａｍｐｌｅ.ｃｏｍ", Mallory },
        { "fullwidth commercial at", "mallory＠example.com", Mallory },
        { "mathematical bold letter", "\U0001D426allory@example.com", Mallory },
        { "long s", "ſallory@example.com", "sallory@example.com" },
        { "ligature", "\uFB01ona@example.com", "fiona@example.com" },
        { "spaces around", "  mallory@example.com  ", Mallory },
        { "non-breaking space", "mallory\u00A0smith", "mallory smith" },
        { "two spaces", "mallory  smith", "mallory smith" },
        { "e and a combining acute", "e\u0301lodie@example.com", "\u00E9lodie@example.com" },
        { "sharp s", "Straße", "strasse" },
    };

    [Theory]
    [MemberData(nameof(SamePerson))]
    public void A_look_alike_that_folds_is_the_same_person(string what, string spelling, string expected)
    {
        var (name, problem) = PersonNames.Normalise(spelling);

        Assert.True(problem is null, $"{what}: {problem}");
        Assert.Equal(expected, name);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { "zero-width space (U+200B)", Mallory + "\u200B" },
        { "zero-width space inside", "mal\u200Blory@example.com" },
        { "zero-width non-joiner (U+200C)", "mal\u200Clory@example.com" },
        { "zero-width joiner (U+200D)", "mal\u200Dlory@example.com" },
        { "soft hyphen (U+00AD)", "mal\u00ADlory@example.com" },
        { "word joiner (U+2060)", "mallory\u2060@example.com" },
        { "byte order mark (U+FEFF)", "\uFEFFmallory@example.com" },
        { "left-to-right mark (U+200E)", "mallory@example.com\u200E" },
        { "Mongolian vowel separator (U+180E)", "mallory\u180E@example.com" },
        { "invisible times (U+2062)", "mal\u2062lory@example.com" },
        { "Hangul filler (U+3164)", "mallory\u3164@example.com" },
        { "braille blank (U+2800)", "mallory\u2800@example.com" },
        { "Cyrillic а in a Latin name", "mаllory@example.com" },
        { "Cyrillic о in a Latin name", "mallоry@example.com" },
        { "Greek ο in a Latin name", "mallοry@example.com" },
        { "a whole-script Cyrillic look-alike", "аре" },
        { "a whole-script Greek look-alike", "κατο" },
        { "dotless i", "al\u0131ce@example.com" },
        { "Latin letter dental click (looks like l)", "ma\u01C0\u01C0ory@example.com" },
        { "combining mark that does not compose", "mallory\u0338@example.com" },
        { "combining mark on a symbol", "mallory@\u0301example.com" },
        { "variation selector", "mallory\uFE0F@example.com" },
        { "a symbol", "mallory\u2713@example.com" },
        { "CJK", "真由美" },
        { "Arabic-Indic digits", "user٣١٢" },
        { "only spaces after folding", "\u3000" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_look_alike_that_does_not_fold_is_refused(string what, string spelling)
    {
        var (name, problem) = PersonNames.Normalise(spelling);

        Assert.True(name is null, $"{what} was accepted as '{name}'");
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("JOSÉ  GARCÍA", "josé garcía")]
    [InlineData("иван", "иван")]
    [InlineData("Σωκράτης", "σωκράτης")]
    [InlineData("o'brien+ops@example.com", "o'brien+ops@example.com")]
    [InlineData("deploy-bot_2", "deploy-bot_2")]
    public void Real_names_in_one_script_are_kept_in_their_one_form(string given, string expected)
    {
        var (name, problem) = PersonNames.Normalise(given);

        Assert.Null(problem);
        Assert.Equal(expected.Normalize(System.Text.NormalizationForm.FormKC), name);
    }
}
