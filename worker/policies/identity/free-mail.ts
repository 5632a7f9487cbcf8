/** Free / consumer mail providers (their own file so domain and e-mail rules share it without a cycle). */

/** Free / consumer mail providers: a contact's address there says nothing about the company. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'ymail.com', 'hotmail.com',
  'hotmail.co.uk', 'hotmail.fr', 'outlook.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'yandex.ru', 'yandex.com',
  'qq.com', '163.com', '126.com', 'fastmail.com', 'hey.com', 'zoho.com', 'mail.ru', 'orange.fr', 't-online.de',
  'freenet.de', 'libero.it', 'laposte.net', 'wanadoo.fr', 'btinternet.com', 'sky.com', 'comcast.net', 'verizon.net',
]);
