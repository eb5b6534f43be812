/** Word lists for demo names: Microsoft's fictitious companies and Polish ones, common first and last names. */
export const COMPANY_NAMES = [
  'Contoso', 'Fabrikam', 'Northwind Traders', 'Adventure Works', 'Tailspin Toys', 'Woodgrove Bank', 'Litware',
  'Proseware', 'Wingtip Toys', 'Alpine Ski House', 'Coho Winery', 'Fourth Coffee', 'Lamna Healthcare',
  "Margie's Travel", 'Trey Research', 'VanArsdel', 'Wide World Importers', 'Blue Yonder Airlines',
  'City Power & Light', 'Graphic Design Institute', 'Humongous Insurance', 'Lucerne Publishing', 'Relecloud',
  'Southridge Video', 'Consolidated Messenger', 'A. Datum', 'Bellows College', 'Best For You Organics',
  'Nod Publishers', 'Tasmanian Traders', 'Woodgrove Logistics', 'Contoso Pharmaceuticals', 'Fabrikam Residences',
  'Kowalski i Synowie', 'Zielona Dolina', 'Wisła Logistyka', 'Bałtyk Energia', 'Mazowsze Dental', 'Tatry Travel',
  'Piast Foods', 'Warta Software', 'Odra Metal', 'Sudety Glass', 'Mazury Boats', 'Kraków Print', 'Gdańsk Marine',
  'Poznań Motors', 'Łódź Textiles', 'Wrocław Analytics', 'Lublin Agro', 'Toruń Pierniki', 'Rzeszów Aero',
  'Silesia Steel', 'Pomorze Fish', 'Karkonosze Water', 'Bieszczady Wood', 'Kaszuby Dairy', 'Warmia Solar',
];

export const COMPANY_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  PL: ['Sp. z o.o.', 'S.A.', 'Sp. j.'],
  DE: ['GmbH', 'AG'],
  CZ: ['s.r.o.', 'a.s.'],
  GB: ['Ltd', 'plc'],
  US: ['Inc.', 'LLC'],
  NL: ['B.V.'],
};

export const FIRST_NAMES = [
  'Anna', 'Piotr', 'Katarzyna', 'Tomasz', 'Magdalena', 'Paweł', 'Agnieszka', 'Michał', 'Joanna', 'Krzysztof',
  'Ewa', 'Marcin', 'Monika', 'Jakub', 'Aleksandra', 'Łukasz', 'Zofia', 'Bartosz', 'Natalia', 'Grzegorz',
  'Adele', 'Alex', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia', 'Lynne',
  'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Sophie', 'Emma', 'Lukas', 'Hannah', 'Jan', 'Eva', 'Oliver',
];

export const LAST_NAMES = [
  'Nowak', 'Kowalska', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamińska', 'Lewandowski', 'Zielińska', 'Szymański',
  'Woźniak', 'Dąbrowski', 'Kozłowska', 'Jankowski', 'Mazur', 'Kwiatkowska', 'Krawczyk', 'Piotrowski', 'Grabowska',
  'Vance', 'Wilber', 'Soto', 'Archie', 'Cermak', 'Langer', 'Lund', 'Sherman', 'Tai', 'Holt', 'Robinson', 'Bowen',
  'Wilke', 'Fernandez', 'Gupta', 'Müller', 'Schmidt', 'Novák', 'Smith', 'Jones', 'de Vries', 'Jansen',
];

export const REGIONS = ['north', 'south', 'east', 'west', 'central'];
