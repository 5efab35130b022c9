using System.Globalization;
using System.Text;

namespace AccessTokenGateway.Validation;

/// <summary>
/// The one form of a person's name (<c>requested_by</c>, <c>approved_by</c>), so that a look-alike is never a second
/// person. In the spirit of Unicode UTS #39 at a "single script" restriction level, with a small table instead of its
/// data files (which .NET does not ship), and a refusal wherever the table does not decide:
/// <list type="number">
/// <item>invisible characters are refused: format characters (Cf: U+00AD soft hyphen, U+200B–U+200F, U+2060 word
///   joiner, U+FEFF, bidirectional controls…), controls, and the blank letters U+115F, U+1160, U+3164, U+FFA0, U+2800;</item>
/// <item>Unicode NFKC (fullwidth ｍ becomes m, ﬁ becomes fi, a letter and its combining accent one letter), then case
///   folding (lower case, ß as ss), then NFKC again; runs of spaces become one;</item>
/// <item>every character left must be in the table: ASCII letters and digits, the punctuation <c>@ . - _ + '</c> and the
///   space (common to every script), Latin letters U+00DF–U+024F, Greek letters U+0370–U+03FF, Cyrillic letters
///   U+0400–U+04FF — less the Latin letters that pass for others (ı ȷ ĸ ǀ ǁ ǂ ǃ); a combining mark that did not compose
///   with its letter is refused;</item>
/// <item>all letters come from one script (Latin, Greek or Cyrillic): "mаllory" with a Cyrillic а is refused;</item>
/// <item>a Greek or Cyrillic name made only of letters that look Latin ("аре", "ѕсоре") is refused: it is a whole-script
///   confusable of a Latin name.</item>
/// </list>
/// Names in other scripts are refused, not guessed at; extending the table is a decision to take with its look-alikes.
/// </summary>
public static class PersonNames
{
    private enum Script { Common, Latin, Greek, Cyrillic }

    /// <summary>Invisible letters that are not Cf, and so pass a category check.</summary>
    private static readonly HashSet<char> BlankLetters = ['\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800', '\u180E'];

    /// <summary>Latin letters inside the table's ranges that read as another letter or a sign (UTS #39 confusables).</summary>
    private static readonly HashSet<char> LatinLookAlikes = ['\u0131', '\u0237', '\u0138', '\u01C0', '\u01C1', '\u01C2', '\u01C3'];

    /// <summary>Greek and Cyrillic (lower-case) letters that look like a Latin letter.</summary>
    private static readonly HashSet<char> LatinShaped =
    [
        'а', 'в', 'е', 'к', 'м', 'н', 'о', 'р', 'с', 'т', 'у', 'х', 'ѕ', 'і', 'ї', 'ј', 'һ', 'ӏ', 'ԁ', 'ү', 'ѵ',
        'α', 'β', 'ι', 'κ', 'ν', 'ο', 'ρ', 'τ', 'υ', 'χ', 'ϲ', 'ϳ', 'ε', 'η',
    ];

    private const string CommonPunctuation = "@.-_+' ";

    /// <summary>The name's one form, or why it is refused.</summary>
    public static (string? Name, string? Problem) Normalise(string raw)
    {
        foreach (var c in raw)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control || BlankLetters.Contains(c))
                return (null, $"must not contain invisible or format characters (U+{(int)c:X4}).");
        }

        string folded;
        try
        {
            folded = Fold(raw.Normalize(NormalizationForm.FormKC)).Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return (null, "is not valid Unicode text.");
        }

        var text = new StringBuilder(folded.Length);
        var script = Script.Common;
        var allLatinShaped = true;
        foreach (var rune in folded.EnumerateRunes())
        {
            if (rune.Value == ' ' && (text.Length == 0 || text[^1] == ' ')) continue;
            var of = rune.IsBmp ? ScriptOf((char)rune.Value) : null;
            if (of is null)
                return (null, $"contains a character outside the accepted table (U+{rune.Value:X4}): letters of one script (Latin, Greek or Cyrillic), ASCII digits and @ . - _ + ' only.");
            if (of != Script.Common)
            {
                if (script != Script.Common && script != of)
                    return (null, $"mixes scripts ({script} and {of}): a name must be written in one script.");
                script = of.Value;
                allLatinShaped &= LatinShaped.Contains((char)rune.Value);
            }
            text.Append((char)rune.Value);
        }
        var name = text.ToString().TrimEnd(' ');
        if (name.Length == 0) return (null, "must name someone.");
        if (script is Script.Greek or Script.Cyrillic && allLatinShaped)
            return (null, $"is written in {script} letters that all look Latin: it could pass for a Latin name.");
        return (name, null);
    }

    /// <summary>Case folding: lower case (invariant), and the full folding of ß, which lower case leaves alone.</summary>
    private static string Fold(string value) => value.ToLowerInvariant().Replace("ß", "ss", StringComparison.Ordinal).Replace("ẞ", "ss", StringComparison.Ordinal);

    private static Script? ScriptOf(char c)
    {
        if (char.IsAsciiDigit(c) || CommonPunctuation.Contains(c)) return Script.Common;
        if (char.IsAsciiLetterLower(c)) return Script.Latin;
        if (!char.IsLetter(c)) return null; // marks left uncomposed, symbols, other punctuation and spaces
        if (c is >= '\u00DF' and <= '\u024F' && c != '\u00F7' && !LatinLookAlikes.Contains(c)) return Script.Latin;
        if (c is >= '\u0370' and <= '\u03FF') return Script.Greek;
        if (c is >= '\u0400' and <= '\u04FF') return Script.Cyrillic;
        return null;
    }
}
