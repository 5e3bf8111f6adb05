import {
	bodyToText,
	decodeEntities,
	htmlToText,
	looksLikeHtml,
} from '../../../../nodes/shared/intercom/html';

describe('HTML to text', () => {
	test('decodes named and numeric entities', () => {
		expect(
			decodeEntities('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &apos;f&apos; g&nbsp;h'),
		).toBe("a & b <c> \"d\" 'e' 'f' g h");
		expect(decodeEntities('&#8364; &#x20AC; &#X1F600; &hellip; &mdash; &euro;')).toBe(
			'€ € 😀 … — €',
		);
		expect(decodeEntities('&unknown; &#0; &#xD800; & alone')).toBe(
			'&unknown; \ufffd \ufffd & alone',
		);
		expect(htmlToText('<p>Tom &amp; Jerry &lt;3</p>')).toBe('Tom & Jerry <3');
	});

	test('paragraphs, divs, headings and <br> become line breaks; runs of blank lines collapse', () => {
		expect(htmlToText('<p>One</p><p>Two</p><div>Three</div><h2>Four</h2>')).toBe(
			'One\nTwo\nThree\nFour',
		);
		expect(htmlToText('Line 1<br>Line 2<br/>Line 3<br />')).toBe('Line 1\nLine 2\nLine 3');
		expect(htmlToText('<p>A</p><br><br><br><br><p>B</p>')).toBe('A\n\nB');
		expect(htmlToText('<p>  spaced\n   out   text </p>')).toBe('spaced out text');
		expect(htmlToText('<p><b>Bold</b> and <i>italic</i> stay inline</p>')).toBe(
			'Bold and italic stay inline',
		);
		expect(htmlToText('<blockquote>quoted</blockquote>after')).toBe('quoted\nafter');
	});

	test('list items get "- " (ordered lists count), nested lists are indented', () => {
		expect(htmlToText('<ul><li>Seats</li><li>Onboarding</li></ul>')).toBe('- Seats\n- Onboarding');
		expect(htmlToText('<ol><li>First</li><li>Second</li></ol>')).toBe('1. First\n2. Second');
		expect(htmlToText('<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>')).toBe('- a\n  - b\n- c');
	});

	test('links read "label (url)", or just the url when the label is the url', () => {
		expect(htmlToText('<p>See <a href="https://x.test/p?a=1&amp;b=2">the docs</a>.</p>')).toBe(
			'See the docs (https://x.test/p?a=1&b=2).',
		);
		expect(htmlToText('<a href="https://x.test/">https://x.test/</a>')).toBe('https://x.test/');
		expect(htmlToText('<a href="https://x.test">x.test</a>')).toBe('https://x.test');
		expect(htmlToText('<a href="mailto:jo@x.test">jo@x.test</a>')).toBe('jo@x.test');
		expect(htmlToText('<a href="mailto:jo@x.test">Write to Jo</a>')).toBe(
			'Write to Jo (jo@x.test)',
		);
		expect(htmlToText('<a href="javascript:alert(1)">click</a>')).toBe('click');
		expect(htmlToText('<a href="https://x.test/a"><b>bold</b> label</a>')).toBe(
			'bold label (https://x.test/a)',
		);
	});

	test('images are listed with their alt text or file name and url', () => {
		expect(
			htmlToText('<p>Look: <img src="https://cdn.test/i/Screen%20Shot.png?w=2" alt=""></p>'),
		).toBe('Look: [Image: Screen Shot.png (https://cdn.test/i/Screen%20Shot.png?w=2)]');
		expect(htmlToText('<img alt="Error dialog" src="https://cdn.test/e.png"/>')).toBe(
			'[Image: Error dialog (https://cdn.test/e.png)]',
		);
		expect(htmlToText('<img src="data:image/png;base64,AAAA" alt="pasted">')).toBe(
			'[Image: pasted]',
		);
	});

	test('scripts, styles and comments are dropped', () => {
		expect(
			htmlToText(
				'<style>p{color:red}</style><p>Hi<!-- secret --></p><script>alert("x")</script><SCRIPT type="x">y</SCRIPT>there',
			),
		).toBe('Hi\nthere');
	});

	test('preformatted text keeps its line breaks and indentation', () => {
		expect(htmlToText('<pre>line 1\n    indented &lt;tag&gt;</pre><p>after</p>')).toBe(
			'line 1\n    indented <tag>\nafter',
		);
	});

	test('table rows become lines, cells are separated', () => {
		expect(
			htmlToText(
				'<table><tr><th>Plan</th><th>Seats</th></tr><tr><td>Pro</td><td>50</td></tr></table>',
			),
		).toBe('Plan | Seats\nPro | 50');
	});

	test('plain text bodies (API 2.15+ webhooks) pass through unchanged', () => {
		const plain = 'Price is 5 < 7 & rising\n  indented line\nuse a->b, <3 and &amp; literally';
		expect(looksLikeHtml(plain)).toBe(false);
		expect(bodyToText(plain)).toBe(plain);
		expect(bodyToText('Windows\r\nline endings\r\n')).toBe('Windows\nline endings');
		expect(looksLikeHtml('<p>x</p>')).toBe(true);
		expect(bodyToText('<p>x</p>')).toBe('x');
	});

	test('empty and missing bodies are empty text', () => {
		expect(bodyToText(null)).toBe('');
		expect(bodyToText('')).toBe('');
		expect(bodyToText('<p></p><p> </p><br>')).toBe('');
	});
});
