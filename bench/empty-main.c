/* SPDX-License-Identifier: MIT
 *
 * The floor of a whole prospectctl process: a main that does nothing,
 * linked (--no-as-needed) to every library prospectctl links, so that the
 * dynamic loader and the libraries' constructors run as they do for it.
 */
int main (void);

int
main (void)
{
  return 0;
}
