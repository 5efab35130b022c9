using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>Edges of the accepted table that the look-alike table does not reach.</summary>
public sealed class PersonNamesEdgeTests
{
    [Theory]
    [InlineData("\U00010428bob")]   // DESERET SMALL LETTER LONG I: its low 16 bits are U+0428, Cyrillic Ш
    [InlineData("b\U0001D5BAb")]    // a letter beyond the BMP that NFKC keeps (MATHEMATICAL SANS-SERIF SMALL A folds to 'a': see below)
    public void A_letter_beyond_the_basic_plane_is_outside_the_table_unless_NFKC_makes_it_one_of_the_table(string name)
    {
        var (folded, problem) = PersonNames.Normalise(name);

        if (name.Contains("\U0001D5BA", StringComparison.Ordinal)) Assert.Equal(("bab", null), (folded, problem));
        else Assert.Equal((null, true), (folded, problem?.Contains("outside the accepted table", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("\u200Bbob", "invisible or format characters (U+200B)")]
    [InlineData("bo\u0000b", "invisible or format characters (U+0000)")]
    [InlineData("bob\u0430", "mixes scripts (Latin and Cyrillic)")]
    [InlineData("\u0430\u0440\u0435", "all look Latin")]
    [InlineData("   ", "must name someone")]
    public void A_refused_name_says_why(string name, string why)
    {
        var (folded, problem) = PersonNames.Normalise(name);

        Assert.Null(folded);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }
}
