package analysis

import "testing"

func TestDetect(t *testing.T) {
	tests := []struct{ text, want string }{
		{"how do I charge the battery of my bike", "en"},
		{"wie lange dauert das Laden der Batterie", "de"},
		{"comment recharger la batterie de mon vélo", "fr"},
		{"cómo cargar la batería de la bicicleta", "es"},
		{"come caricare la batteria della bici", "it"},
		{"como carregar a bateria da bicicleta", "pt"},
		{"hoe laad ik de accu van mijn fiets op", "nl"},
		{"lark", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got, _ := Detect(tt.text); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
